/**
 * Shared set-up of the multi-process cluster tests: Rostra processes on loopback sharing the
 * real Redis and PostgreSQL of this machine, with a random Redis key prefix and PostgreSQL
 * schema per cluster (removed by cleanup()), a live Space, listeners that decode what they
 * hear (ListenProbe), and room actions retried like a client (waiting itself: ./wait.ts).
 *
 * The nodes may reach Redis through another URL than the test (`nodeRedisUrl`, e.g. a
 * TcpProxy), so a test can cut them off while it still reads the leases itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { RedisLeases } from '../../src/adapters/leases-redis/index.js';
import { homeLeaseKey, parseHolder } from '../../src/cluster/topics.js';
import { startNodeProcess, type NodeProcess } from './node-process.js';
import { ListenProbe } from '../../src/cluster/testing/listen-probe.js';
import type { LeaseInfo } from '../../src/core/ports/leases.js';
import type { SpaceId } from '../../src/protocol/ids.js';
import { api, signUp, TestSocket } from './server.js';
import { retry } from './wait.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** ms a node process may take to print its URL */
const START_TIMEOUT_MS = 60_000;

export interface ProcClusterOptions {
  /** home lease ttl of every node, ms */
  ttlMs: number;
  /** Redis URL the nodes use (default REDIS_URL; the test itself always uses REDIS_URL) */
  nodeRedisUrl?: string;
  drainMs?: number;
  /** names the data dir, prefix and schema */
  tag?: string;
  /** every node records into one folder, `recordingsDir` (each keeps its own data dir) */
  sharedRecordings?: boolean;
  /** environment added to every node (e.g. NODE_OPTIONS) */
  env?: Record<string, string>;
}

export class ProcCluster {
  readonly run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  readonly prefix: string;
  readonly schema: string;
  readonly dir: string;
  /** the recordings folder all nodes share (with `sharedRecordings`) */
  readonly recordingsDir: string;
  /** every process started (for cleanup), in start order */
  readonly procs: NodeProcess[] = [];
  /** the leases as the test sees them (straight to REDIS_URL) */
  readonly leases: RedisLeases;

  constructor(readonly opts: ProcClusterOptions) {
    const tag = opts.tag ?? 'ct';
    this.prefix = `rostra_${tag}_${this.run}:`;
    this.schema = `rostra_${tag}_${this.run}`;
    this.dir = mkdtempSync(join(tmpdir(), `rostra-${tag}-`));
    this.recordingsDir = join(this.dir, 'recordings');
    this.leases = new RedisLeases({ connection: REDIS_URL, prefix: `${this.prefix}lease:` });
  }

  /** starts node `p<i>` (data dir `<dir>/p<i>`) */
  async start(i: number, extra: Record<string, string> = {}): Promise<NodeProcess> {
    const p = await startNodeProcess(
      `p${i}`,
      {
        'data-dir': join(this.dir, `p${i}`),
        'redis-url': this.opts.nodeRedisUrl ?? REDIS_URL,
        'database-url': PG_URL,
        'pg-schema': this.schema,
        'redis-prefix': this.prefix,
        'token-secret': `secret-of-cluster-test-${this.run}`,
        'home-lease-ms': String(this.opts.ttlMs),
        'drain-ms': String(this.opts.drainMs ?? 1000),
        'log-level': 'warn',
        ...(this.opts.sharedRecordings ? { 'recordings-dir': this.recordingsDir } : {}),
        ...extra,
      },
      // a busy machine (load average 30–60 seen) takes far longer than the usual ~2 s
      START_TIMEOUT_MS,
      this.opts.env,
    );
    this.procs.push(p);
    return p;
  }

  /** p0 first (it runs the migrations), then the others at once; their URLs in node order */
  async startAll(n: number): Promise<string[]> {
    const first = await this.start(0);
    const rest = await Promise.all(Array.from({ length: n - 1 }, (_, i) => this.start(i + 1)));
    // start() pushed them as they came up: put them in node order, so procs[i] is p<i>
    this.procs.splice(this.procs.length - rest.length, rest.length, ...rest);
    return [first, ...rest].map((p) => p.url);
  }

  lease(spaceId: string): Promise<LeaseInfo | null> {
    return this.leases.holder(homeLeaseKey(spaceId as SpaceId));
  }

  async homeOf(spaceId: string): Promise<string | null> {
    const l = await this.lease(spaceId);
    return l ? parseHolder(l.holder).node : null;
  }

  /** kills every process, removes the Redis keys, the schema and the data dirs */
  async cleanup(): Promise<void> {
    for (const p of this.procs) p.kill('SIGKILL');
    await Promise.all(this.procs.map((p) => p.exited));
    await this.leases.close();
    const admin = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
    await admin.quit();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await client.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** signs a host up on `base`, creates a Space there and takes it live (so `base` homes it) */
export async function liveSpace(
  base: string,
  title: string,
): Promise<{ spaceId: string; host: { token: string; id: string; handle: string } }> {
  const host = await signUp(base, 'host');
  const created = await api(base, 'POST', '/v1/spaces', { token: host.token, body: { title } });
  const spaceId: string = created.body.space.id;
  const go = await api(base, 'POST', `/v1/spaces/${spaceId}/actions`, {
    token: host.token,
    body: { type: 'go_live' },
  });
  if (go.status !== 200) throw new Error(`go_live: ${go.status} ${JSON.stringify(go.body)}`);
  return { spaceId, host };
}

/** decodes every audio batch the socket receives (tone at `hz`) */
export function probe(s: TestSocket, hz = 440): ListenProbe {
  const p = new ListenProbe(hz);
  s.ws.on('message', (data, isBinary) => {
    if (isBinary) p.batch(data as Buffer);
  });
  return p;
}

/** a WebSocket listener on `base` that has been welcomed, with its probe */
export async function listener(
  base: string,
  spaceId: string,
  token?: string,
): Promise<{ socket: TestSocket; probe: ListenProbe }> {
  const socket = await TestSocket.open(base, `/v1/spaces/${spaceId}/listen`, token);
  await socket.waitType('welcome');
  return { socket, probe: probe(socket) };
}

/** a room action that must answer 200, retried like a client would */
export function action(base: (i: number) => string, spaceId: string, token: string, body: object) {
  return retry(async (i) => {
    const r = await api(base(i), 'POST', `/v1/spaces/${spaceId}/actions`, { token, body });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    return r;
  }, 5000);
}
