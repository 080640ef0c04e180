/**
 * Leases and counters port: who is the home node of a Space (a lease with a fencing token),
 * and presence counts summed over nodes. Adapters: leases-memory (one process, injected
 * Clock), leases-redis (cluster). Conformance suite: src/core/ports/leases.conformance.ts.
 *
 * Lease lifecycle per key:  free --acquire--> held(holder, token) --renew--> held (same token)
 *                           held --release / ttl runs out--> free --acquire--> held(token + 1 or more)
 * A fencing token is strictly increasing per key for the life of the backend (it survives
 * expiry and release), so a resource that remembers the highest token it has seen can refuse a
 * stale holder that has not yet noticed it lost the lease.
 */

export interface LeaseGrant {
  /** fencing token, > every token previously granted for this key */
  token: number;
}

export interface LeaseInfo {
  holder: string;
  token: number;
  /** ms since epoch, by the backend's clock */
  expiresAt: number;
}

export interface Leases {
  /**
   * Takes the lease if it is free (never held, released or expired) or already held by
   * `holder` (a restarted holder takes it again under a new token). Null when someone else
   * holds it. `ttlMs` >= 1.
   */
  acquire(key: string, holder: string, ttlMs: number): Promise<LeaseGrant | null>;
  /** Extends the lease to now + ttlMs. False (and no change) unless holder and token match a live lease. */
  renew(key: string, holder: string, token: number, ttlMs: number): Promise<boolean>;
  /** Frees the lease if holder and token match; otherwise does nothing. Idempotent. */
  release(key: string, holder: string, token: number): Promise<void>;
  /** The live lease on `key`, or null if it is free. */
  holder(key: string): Promise<LeaseInfo | null>;

  /**
   * Adds n (may be negative) to a shared counter and returns the new value. With `ttlMs` the
   * counter is deleted (reads 0) ttlMs after this call unless another call extends it.
   */
  incrBy(key: string, n: number, ttlMs?: number): Promise<number>;
  /** the counter's value, 0 if it does not exist */
  get(key: string): Promise<number>;

  /**
   * Sets this node's part of a summed counter (e.g. listeners of a Space on this node).
   * The part disappears ttlMs after the last set, so a dead node's count goes away by itself;
   * live nodes re-set their part more often than ttlMs.
   */
  setPart(key: string, part: string, value: number, ttlMs: number): Promise<void>;
  /** removes this node's part now (a clean shutdown) */
  removePart(key: string, part: string): Promise<void>;
  /** the sum of the live parts, 0 if none */
  sum(key: string): Promise<number>;

  /** idempotent; later calls reject. Leases held stay held until they expire. */
  close(): Promise<void>;
}

/** Throws RangeError unless ttlMs is an integer >= 1 (adapters call it before any work). */
export function checkTtlMs(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1)
    throw new RangeError(`ttlMs must be an integer >= 1, got ${ttlMs}`);
}

/** Throws RangeError unless n is a safe integer (counters and parts hold integers). */
export function checkInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be a safe integer, got ${n}`);
}
