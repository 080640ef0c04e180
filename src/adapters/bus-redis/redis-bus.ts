/**
 * Bus port on Redis pub/sub (cluster mode). Per bus: ONE publisher connection and ONE
 * subscriber connection. Topic t is the Redis channel `${namespace}${t}` (exact SUBSCRIBE, no
 * patterns); messages are raw bytes both ways (`messageBuffer` event, no string decoding).
 * Delivery is at-most-once; per-publisher order holds because one connection carries them all.
 *
 * Redis unreachable:
 *   - publish() rejects at once (no offline queue: a late audio frame is worth nothing), or
 *     after `commandTimeoutMs` if the connection is up but Redis does not answer;
 *   - messages published by anyone while this bus's subscriber is cut off are lost for it;
 *   - both connections reconnect by themselves (`retryStrategy`: 100 ms, 200 ms, then every
 *     250 ms) and the subscriber re-subscribes every channel it had, so handlers resume without
 *     help, at most ~250 ms after Redis is back;
 *   - subscribe() while disconnected waits for the reconnection, up to `commandTimeoutMs`.
 * Lifecycle: RedisBus.connect() (both connections ready) -> close() (idempotent; QUIT both;
 * later publish/subscribe reject; unsubscribe stays harmless).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Bus, BusHandler, Subscription } from '../../core/ports/bus.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { Channels, type LocalSub } from './channels.js';

export interface RedisBusOptions {
  /** redis://host:port/db URL or ioredis options; default redis://127.0.0.1:6379 */
  connection?: string | RedisOptions;
  /** prepended to every topic, e.g. 'rostra:bus:' (the default) */
  namespace?: string;
  /** ms a command (publish, subscribe) waits for Redis before rejecting; default 2000 */
  commandTimeoutMs?: number;
  /** ms RedisBus.connect() waits for both connections; default 5000 */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/**
 * Reconnect delay. Kept short on purpose: while the bus is down, edges hear no audio, so a
 * backoff growing to seconds would add seconds of silence after every outage (measured: audio
 * back 1.5 s after Redis returned with a 2 s cap). A refused connect costs Redis nothing.
 */
const reconnectDelayMs = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 3), 250);

export class RedisBus implements Bus {
  readonly namespace: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channels: Channels;
  readonly #logger: Logger;
  #closed = false;

  private constructor(options: RedisBusOptions) {
    this.namespace = options.namespace ?? 'rostra:bus:';
    this.#logger = options.logger ?? silentLogger;
    const base: RedisOptions = {
      commandTimeout: options.commandTimeoutMs ?? 2000,
      retryStrategy: reconnectDelayMs,
      lazyConnect: true,
    };
    const c = options.connection ?? 'redis://127.0.0.1:6379';
    const make = (extra: RedisOptions) =>
      typeof c === 'string' ? new Redis(c, { ...base, ...extra }) : new Redis({ ...base, ...c, ...extra });
    this.#pub = make({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.#sub = make({ autoResubscribe: true, maxRetriesPerRequest: null });
    for (const [role, r] of [
      ['publisher', this.#pub],
      ['subscriber', this.#sub],
    ] as const) {
      r.on('error', (err: Error) => this.#logger.warn({ err, role }, 'redis bus connection error'));
      r.on('reconnecting', () => this.#logger.info({ role }, 'redis bus reconnecting'));
    }
    this.#channels = new Channels({
      subscribe: (ch) => this.#sub.subscribe(ch),
      unsubscribe: (ch) => this.#sub.unsubscribe(ch),
    });
    this.#sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#dispatch(channel, message));
  }

  /** Opens both connections; rejects (and closes) if Redis is not reachable in time. */
  static async connect(options: RedisBusOptions = {}): Promise<RedisBus> {
    const bus = new RedisBus(options);
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([bus.#pub.connect(), bus.#sub.connect()]),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`redis bus: not connected after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return bus;
    } catch (e) {
      bus.#pub.disconnect();
      bus.#sub.disconnect();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** true while both connections are up (false during an outage, until they reconnect) */
  get ready(): boolean {
    return this.#pub.status === 'ready' && this.#sub.status === 'ready';
  }

  #dispatch(channel: Buffer, message: Buffer): void {
    if (this.#closed) return;
    const name = channel.toString('utf8');
    if (!name.startsWith(this.namespace)) return;
    const topic = name.slice(this.namespace.length);
    // a plain Uint8Array view of the received bytes (no copy)
    const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    for (const sub of this.#channels.handlers(name)) {
      if (!sub.active) continue;
      try {
        sub.handler(data, topic);
      } catch (err) {
        this.#logger.error({ err, topic }, 'bus handler threw');
      }
    }
  }

  #check(topic: string): void {
    if (this.#closed) throw new Error('RedisBus is closed');
    if (typeof topic !== 'string' || topic === '') throw new TypeError('topic must be a non-empty string');
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    this.#check(topic);
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await this.#pub.publish(this.namespace + topic, bytes);
  }

  async subscribe(topic: string, handler: BusHandler): Promise<Subscription> {
    this.#check(topic);
    const channel = this.namespace + topic;
    const sub: LocalSub = { handler, active: true };
    await this.#channels.add(channel, sub);
    return { unsubscribe: () => (this.#closed ? Promise.resolve() : this.#channels.remove(channel, sub)) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    await Promise.all(
      [this.#pub, this.#sub].map((r) =>
        r.quit().then(
          () => {},
          () => r.disconnect(),
        ),
      ),
    );
  }
}
