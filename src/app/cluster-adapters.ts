/**
 * Picks the cluster adapters from configuration: REDIS_URL + DATABASE_URL = cluster node
 * (PostgresStore, RedisBus, RedisLeases); neither = embedded default. One without the other is
 * a configuration error (a half-cluster node would silently split the data).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import type { Bus } from '../core/ports/bus.js';
import type { Leases } from '../core/ports/leases.js';
import type { Store } from '../core/ports/store.js';
import type { Logger } from '../core/log.js';
import { asNodeId, type NodeId } from '../protocol/ids.js';
import { PostgresStore } from '../adapters/store-postgres/index.js';
import { RedisBus } from '../adapters/bus-redis/index.js';
import { RedisLeases } from '../adapters/leases-redis/index.js';
import { LocalSpaceHub, type SpaceHubDeps } from '../runtime/space-hub.js';
import { ClusterSpaceHub } from '../cluster/cluster-hub.js';

export interface ClusterAdapters {
  nodeId: NodeId;
  store: Store;
  bus: Bus;
  leases: Leases;
  /** closes the bus and leases (the store is closed by its owner) */
  close(): Promise<void>;
}

/** true when both REDIS_URL and DATABASE_URL are set; throws if only one is */
export function isClusterConfig(config: Pick<Config, 'redisUrl' | 'databaseUrl'>): boolean {
  const r = config.redisUrl !== '';
  const d = config.databaseUrl !== '';
  if (r !== d)
    throw new Error('cluster mode needs both REDIS_URL (--redis-url) and DATABASE_URL (--database-url)');
  return r;
}

export async function openClusterAdapters(config: Config, log: Logger): Promise<ClusterAdapters> {
  if (!config.tokenSecret)
    throw new Error('cluster mode needs ROSTRA_TOKEN_SECRET (--token-secret): every node must share it');
  const nodeId = asNodeId(config.nodeId || `n-${randomBytes(4).toString('hex')}`);
  const store = await PostgresStore.open({
    connectionString: config.databaseUrl,
    schema: config.pgSchema,
    applicationName: `rostra-${nodeId}`,
    logger: log.child({ adapter: 'store-postgres' }),
  });
  let bus: RedisBus | null = null;
  try {
    bus = await RedisBus.connect({
      connection: config.redisUrl,
      namespace: `${config.redisPrefix}bus:`,
      logger: log.child({ adapter: 'bus-redis' }),
    });
    const leases = new RedisLeases({ connection: config.redisUrl, prefix: `${config.redisPrefix}lease:` });
    const openBus = bus;
    return {
      nodeId,
      store,
      bus: openBus,
      leases,
      async close() {
        await openBus.close();
        await leases.close();
      },
    };
  } catch (err) {
    await bus?.close();
    await store.close();
    throw err;
  }
}

/** The node's SpaceHub: a ClusterSpaceHub on cluster adapters, the embedded LocalSpaceHub otherwise. */
export function createHub(
  cluster: ClusterAdapters | null,
  config: Pick<Config, 'homeLeaseMs'>,
  deps: SpaceHubDeps,
): LocalSpaceHub | ClusterSpaceHub {
  if (!cluster) return new LocalSpaceHub(deps);
  return new ClusterSpaceHub({
    ...deps,
    nodeId: cluster.nodeId,
    store: cluster.store,
    bus: cluster.bus,
    leases: cluster.leases,
    homeLeaseMs: config.homeLeaseMs,
  });
}
