/**
 * Leases port in memory: the embedded default (one process). Time comes from the injected
 * Clock, so tests move it with a fake clock. Expiry is lazy: an entry past its expiresAt is
 * treated as absent and dropped when next touched. Fencing counters are kept for the life of
 * the table (one number per key ever leased), so tokens never go backwards.
 *
 * Several MemoryLeases may share one MemoryLeaseTable (nodes of a test cluster in one process).
 * Lifecycle: open -> close() (idempotent; later calls reject, the table is untouched).
 */
import { systemClock, type Clock } from '../../core/ports/clock.js';
import {
  checkInteger,
  checkTtlMs,
  type LeaseGrant,
  type LeaseInfo,
  type Leases,
} from '../../core/ports/leases.js';

interface Expiring {
  value: number;
  /** ms since epoch, or null for never */
  expiresAt: number | null;
}

/** The shared state: what Redis holds in the cluster adapter. */
export class MemoryLeaseTable {
  readonly clock: Clock;
  readonly leases = new Map<string, LeaseInfo>();
  /** last token granted per key; never deleted */
  readonly fences = new Map<string, number>();
  readonly counters = new Map<string, Expiring>();
  readonly parts = new Map<string, Map<string, Expiring>>();

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
  }

  /** the live lease on key (drops an expired one) */
  lease(key: string): LeaseInfo | null {
    const l = this.leases.get(key);
    if (l && l.expiresAt <= this.clock.now()) this.leases.delete(key);
    return this.leases.get(key) ?? null;
  }

  alive(e: Expiring | undefined): e is Expiring {
    return e !== undefined && (e.expiresAt === null || e.expiresAt > this.clock.now());
  }
}

export class MemoryLeases implements Leases {
  readonly #t: MemoryLeaseTable;
  #closed = false;

  constructor(table: MemoryLeaseTable = new MemoryLeaseTable()) {
    this.#t = table;
  }

  /** Runs fn unless closed; throws become rejections. */
  #run<T>(fn: (t: MemoryLeaseTable) => T): Promise<T> {
    try {
      if (this.#closed) throw new Error('MemoryLeases is closed');
      return Promise.resolve(fn(this.#t));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  acquire(key: string, holder: string, ttlMs: number): Promise<LeaseGrant | null> {
    return this.#run((t) => {
      checkTtlMs(ttlMs);
      const current = t.lease(key);
      if (current && current.holder !== holder) return null;
      const token = (t.fences.get(key) ?? 0) + 1;
      t.fences.set(key, token);
      t.leases.set(key, { holder, token, expiresAt: t.clock.now() + ttlMs });
      return { token };
    });
  }

  renew(key: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
    return this.#run((t) => {
      checkTtlMs(ttlMs);
      const current = t.lease(key);
      if (!current || current.holder !== holder || current.token !== token) return false;
      current.expiresAt = t.clock.now() + ttlMs;
      return true;
    });
  }

  release(key: string, holder: string, token: number): Promise<void> {
    return this.#run((t) => {
      const current = t.lease(key);
      if (current && current.holder === holder && current.token === token) t.leases.delete(key);
    });
  }

  holder(key: string): Promise<LeaseInfo | null> {
    return this.#run((t) => {
      const l = t.lease(key);
      return l ? { ...l } : null;
    });
  }

  incrBy(key: string, n: number, ttlMs?: number): Promise<number> {
    return this.#run((t) => {
      checkInteger('n', n);
      if (ttlMs !== undefined) checkTtlMs(ttlMs);
      const c = t.counters.get(key);
      const base = t.alive(c) ? c : { value: 0, expiresAt: null };
      const next: Expiring = {
        value: base.value + n,
        expiresAt: ttlMs === undefined ? base.expiresAt : t.clock.now() + ttlMs,
      };
      t.counters.set(key, next);
      return next.value;
    });
  }

  get(key: string): Promise<number> {
    return this.#run((t) => {
      const c = t.counters.get(key);
      if (t.alive(c)) return c.value;
      t.counters.delete(key);
      return 0;
    });
  }

  setPart(key: string, part: string, value: number, ttlMs: number): Promise<void> {
    return this.#run((t) => {
      checkInteger('value', value);
      checkTtlMs(ttlMs);
      let parts = t.parts.get(key);
      if (!parts) t.parts.set(key, (parts = new Map<string, Expiring>()));
      parts.set(part, { value, expiresAt: t.clock.now() + ttlMs });
    });
  }

  removePart(key: string, part: string): Promise<void> {
    return this.#run((t) => {
      t.parts.get(key)?.delete(part);
    });
  }

  sum(key: string): Promise<number> {
    return this.#run((t) => {
      const parts = t.parts.get(key);
      if (!parts) return 0;
      let total = 0;
      for (const [name, p] of parts) {
        if (t.alive(p)) total += p.value;
        else parts.delete(name);
      }
      if (parts.size === 0) t.parts.delete(key);
      return total;
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
