/**
 * Token bucket: `capacity` tokens, refilled at `perSecond`. One bucket per socket or per key.
 * Cheap enough to call on every message: no timers, refill is computed from elapsed time.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = capacity;
    this.#last = now();
  }

  /** true if a token was taken; false means the caller is over its rate */
  take(cost = 1): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((t - this.#last) / 1000) * this.perSecond);
    this.#last = t;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

/**
 * Keyed buckets (per address, per user) with a bounded number of keys: when full, the oldest
 * key is evicted, so a flood of distinct keys cannot grow memory without bound.
 */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, cost = 1): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.maxKeys) {
        const oldest = this.#buckets.keys().next();
        if (!oldest.done) this.#buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.perSecond, this.capacity, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(cost);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
