/**
 * A cluster in one process for tests: N real Rostra servers (HTTP, sockets, stage, mixer) on
 * loopback sharing one MemoryBroker (with fault injection), one MemoryLeaseTable and one SQLite
 * store. `cut(i)` makes node i unreachable (bus partitioned, every lease call rejects), the
 * in-process stand-in for a dead or isolated node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeId, SpaceId } from '../../src/protocol/ids.js';
import type { Store } from '../../src/core/ports/store.js';
import { MemoryBroker, type FaultOptions, type MemoryBus } from '../../src/adapters/bus-memory/index.js';
import type { Bus } from '../../src/core/ports/bus.js';
import { MemoryLeases, MemoryLeaseTable } from '../../src/adapters/leases-memory/index.js';
import { SqliteStore } from '../../src/adapters/store-sqlite/index.js';
import { loadConfig, type Config } from '../../src/app/config.js';
import { startRostra, type RunningRostra } from '../../src/app/server.js';
import { homeLeaseKey, parseHolder } from '../../src/cluster/topics.js';
import { CuttableLeases } from '../../src/cluster/testing/cuttable-leases.js';

export { CuttableLeases };

export interface MemNode {
  id: NodeId;
  url: string;
  rostra: RunningRostra;
  leases: CuttableLeases;
}

/** bus messages and bytes published, by kind of topic (space:*:audio -> 'audio', …) */
export type BusMeter = Map<string, { messages: number; bytes: number }>;

export interface MemCluster {
  broker: MemoryBroker;
  meter: BusMeter;
  table: MemoryLeaseTable;
  nodes: MemNode[];
  /** the node id holding the Space's home lease, or null */
  homeOf(spaceId: string): NodeId | null;
  /** makes node i unreachable: partitioned off the bus, its lease calls reject */
  cut(i: number): void;
  heal(i: number): void;
  stop(): Promise<void>;
}

export async function startMemoryCluster(
  count: number,
  opts: { faults?: FaultOptions; seed?: number; config?: Partial<Config> } = {},
): Promise<MemCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rostra-cluster-'));
  const broker = new MemoryBroker({ seed: opts.seed ?? 7, faults: opts.faults });
  const table = new MemoryLeaseTable();
  const shared = new SqliteStore({ path: join(dir, 'shared.db') });
  const nodes: MemNode[] = [];
  const meter: BusMeter = new Map();
  for (let i = 0; i < count; i++) {
    const id = `node${i}` as NodeId;
    const bus = metered(broker.connect(id), meter);
    const leases = new CuttableLeases(new MemoryLeases(table));
    const config: Config = {
      ...loadConfig({}, {}),
      port: 0,
      dataDir: join(dir, id),
      logLevel: 'silent',
      tokenSecret: 'one-secret-shared-by-every-node-of-the-test',
      homeLeaseMs: 1_500,
      drainMs: 500,
      ...opts.config,
    };
    const rostra = await startRostra(config, {
      cluster: {
        nodeId: id,
        store: unclosable(shared),
        bus,
        leases,
        async close() {
          await bus.close();
          await leases.close();
        },
      },
    });
    nodes.push({ id, url: rostra.url, rostra, leases });
  }
  return {
    broker,
    meter,
    table,
    nodes,
    homeOf(spaceId) {
      const lease = table.lease(homeLeaseKey(spaceId as SpaceId));
      return lease ? parseHolder(lease.holder).node : null;
    },
    cut(i) {
      const n = nodes[i];
      if (!n) return;
      broker.partition(n.id);
      n.leases.cut = true;
    },
    heal(i) {
      const n = nodes[i];
      if (!n) return;
      broker.heal(n.id);
      n.leases.cut = false;
    },
    async stop() {
      for (const n of nodes) {
        broker.heal(n.id);
        n.leases.cut = false;
      }
      await Promise.all(nodes.map((n) => n.rostra.close()));
      await shared.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function metered(bus: MemoryBus, meter: BusMeter): Bus {
  return {
    publish(topic, data) {
      const kind = topic.split(':').at(-1) ?? topic;
      const m = meter.get(kind) ?? { messages: 0, bytes: 0 };
      m.messages++;
      m.bytes += data.byteLength;
      meter.set(kind, m);
      return bus.publish(topic, data);
    },
    subscribe: (topic, handler) => bus.subscribe(topic, handler),
    close: () => bus.close(),
  };
}

/** a store whose close() does nothing (the nodes share it; the cluster closes it once) */
function unclosable(store: Store): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'close') return () => Promise.resolve();
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
