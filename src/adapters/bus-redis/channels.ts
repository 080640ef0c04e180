/**
 * The local side of a RedisBus's subscriptions: handlers per channel, and the Redis
 * SUBSCRIBE/UNSUBSCRIBE commands they need, run one at a time in call order. A channel is
 * subscribed on Redis once, however many local handlers it has (first handler -> SUBSCRIBE,
 * last one gone -> UNSUBSCRIBE), so N subscribers of a Space cost one Redis subscription.
 */
import type { BusHandler } from '../../core/ports/bus.js';

export interface LocalSub {
  readonly handler: BusHandler;
  active: boolean;
}

interface Channel {
  subs: Set<LocalSub>;
  /** SUBSCRIBE has been acknowledged by Redis and no UNSUBSCRIBE sent since */
  onRedis: boolean;
}

export interface RedisSide {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

export class Channels {
  readonly #channels = new Map<string, Channel>();
  readonly #redis: RedisSide;
  /** the tail of the serialised SUBSCRIBE/UNSUBSCRIBE queue; never rejects */
  #queue: Promise<void> = Promise.resolve();

  constructor(redis: RedisSide) {
    this.#redis = redis;
  }

  /** number of channels with at least one local handler */
  get size(): number {
    return this.#channels.size;
  }

  /** Runs op after every earlier op; its result (or error) goes to the caller only. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(op);
    this.#queue = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /** Adds a handler; resolves once Redis has acknowledged the channel's subscription. */
  async add(channel: string, sub: LocalSub): Promise<void> {
    let ch = this.#channels.get(channel);
    if (!ch) this.#channels.set(channel, (ch = { subs: new Set(), onRedis: false }));
    ch.subs.add(sub);
    const entry = ch;
    try {
      await this.#serial(async () => {
        if (entry.onRedis || !sub.active) return;
        await this.#redis.subscribe(channel);
        entry.onRedis = true;
      });
    } catch (e) {
      void this.remove(channel, sub); // never rejects
      throw e;
    }
  }

  /** Removes a handler (idempotent); unsubscribes on Redis when it was the channel's last. */
  remove(channel: string, sub: LocalSub): Promise<void> {
    sub.active = false;
    const ch = this.#channels.get(channel);
    if (!ch?.subs.delete(sub) || ch.subs.size > 0) return Promise.resolve();
    this.#channels.delete(channel);
    return this.#serial(async () => {
      // a new handler may have arrived (a new entry) while this waited in the queue
      if (!ch.onRedis || this.#channels.has(channel)) return;
      ch.onRedis = false;
      await this.#redis.unsubscribe(channel);
    }).catch(() => {}); // unreachable Redis: the subscription dies with the connection anyway
  }

  /** a snapshot of the channel's active handlers (handlers may unsubscribe while running) */
  handlers(channel: string): LocalSub[] {
    const ch = this.#channels.get(channel);
    return ch ? [...ch.subs] : [];
  }

  /** deactivates everything (the bus closed) */
  clear(): void {
    for (const ch of this.#channels.values()) for (const s of ch.subs) s.active = false;
    this.#channels.clear();
  }
}
