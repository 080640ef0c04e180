/**
 * Leases port on Redis (cluster mode). Every operation is one atomic Lua script or command
 * (see scripts.ts); lease expiry is Redis's PEXPIRE, so a node that dies simply stops renewing.
 *
 * Redis unreachable: every call rejects after at most `commandTimeoutMs` (default 2000 ms);
 * nothing is queued past that. A holder that cannot renew must treat its lease as lost when its
 * own ttl runs out. ioredis reconnects by itself, retrying every ≤250 ms (not its default
 * backoff growing to 2 s: a home retries its renew every ≤250 ms and edges their acquire, and
 * a slow reconnect would add up to 2 s to every outage, enough to lose a lease that the
 * outage alone would not have); calls succeed again once Redis is back.
 * Lifecycle: open (connects lazily) -> close() (idempotent, QUIT; later calls reject).
 */
import { Redis, type RedisOptions } from 'ioredis';
import {
  checkInteger,
  checkTtlMs,
  type LeaseGrant,
  type LeaseInfo,
  type Leases,
} from '../../core/ports/leases.js';
import { ACQUIRE, HOLDER, INCR, RELEASE, RENEW, SET_PART, SUM, runScript } from './scripts.js';

export interface RedisLeasesOptions {
  /** redis://host:port/db URL or ioredis options; default redis://127.0.0.1:6379 */
  connection?: string | RedisOptions;
  /** prepended to every key, e.g. 'rostra:'; default 'rostra:' */
  prefix?: string;
  /** ms after which a command rejects if Redis has not answered; default 2000 */
  commandTimeoutMs?: number;
}

export class RedisLeases implements Leases {
  readonly prefix: string;
  readonly #redis: Redis;
  #closed = false;

  constructor(options: RedisLeasesOptions = {}) {
    this.prefix = options.prefix ?? 'rostra:';
    const base: RedisOptions = {
      commandTimeout: options.commandTimeoutMs ?? 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 3), 250),
      lazyConnect: false,
    };
    const c = options.connection ?? 'redis://127.0.0.1:6379';
    this.#redis = typeof c === 'string' ? new Redis(c, base) : new Redis({ ...base, ...c });
    // errors surface as rejected calls; without a listener ioredis would log each reconnect failure
    this.#redis.on('error', () => {});
  }

  #key(key: string, kind: string): string {
    return `${this.prefix}{${key}}:${kind}`;
  }

  /** Runs fn unless closed; synchronous throws become rejections. */
  async #run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('RedisLeases is closed');
    return fn(this.#redis);
  }

  acquire(key: string, holder: string, ttlMs: number): Promise<LeaseGrant | null> {
    return this.#run(async (r) => {
      checkTtlMs(ttlMs);
      const keys = [this.#key(key, 'lease'), this.#key(key, 'fence')];
      const token = await runScript(r, ACQUIRE, keys, [holder, ttlMs]);
      return token === null ? null : { token: Number(token) };
    });
  }

  renew(key: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
    return this.#run(async (r) => {
      checkTtlMs(ttlMs);
      return (await runScript(r, RENEW, [this.#key(key, 'lease')], [holder, token, ttlMs])) === 1;
    });
  }

  release(key: string, holder: string, token: number): Promise<void> {
    return this.#run(async (r) => {
      await runScript(r, RELEASE, [this.#key(key, 'lease')], [holder, token]);
    });
  }

  holder(key: string): Promise<LeaseInfo | null> {
    return this.#run(async (r) => {
      const v = (await runScript(r, HOLDER, [this.#key(key, 'lease')], [])) as
        [string, string, number] | null;
      return v === null ? null : { holder: v[0], token: Number(v[1]), expiresAt: Number(v[2]) };
    });
  }

  incrBy(key: string, n: number, ttlMs?: number): Promise<number> {
    return this.#run(async (r) => {
      checkInteger('n', n);
      if (ttlMs !== undefined) checkTtlMs(ttlMs);
      return Number(await runScript(r, INCR, [this.#key(key, 'count')], [n, ttlMs ?? '']));
    });
  }

  get(key: string): Promise<number> {
    return this.#run(async (r) => Number((await r.get(this.#key(key, 'count'))) ?? 0));
  }

  setPart(key: string, part: string, value: number, ttlMs: number): Promise<void> {
    return this.#run(async (r) => {
      checkInteger('value', value);
      checkTtlMs(ttlMs);
      const keys = [this.#key(key, 'parts'), this.#key(key, 'partexp')];
      await runScript(r, SET_PART, keys, [part, value, ttlMs]);
    });
  }

  removePart(key: string, part: string): Promise<void> {
    return this.#run(async (r) => {
      await r.multi().hdel(this.#key(key, 'parts'), part).zrem(this.#key(key, 'partexp'), part).exec();
    });
  }

  sum(key: string): Promise<number> {
    return this.#run(async (r) =>
      Number(await runScript(r, SUM, [this.#key(key, 'parts'), this.#key(key, 'partexp')], [])),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect(); // unreachable: drop the socket instead of waiting
    }
  }
}
