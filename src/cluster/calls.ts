/**
 * Commands from a node to a Space's home over the bus: request on the Space's command topic,
 * reply on the caller's node topic. At most once: a lost request or reply times out (the
 * caller gets server_busy), a duplicated request runs once (the home remembers recent ids).
 */
import type { Bus, Subscription } from '../core/ports/bus.js';
import { RostraError } from '../core/errors.js';
import type { NodeId, SpaceId } from '../protocol/ids.js';
import { isErrorCode } from '../protocol/errors.js';
import type { Actor } from '../core/space/index.js';
import { decode, encodeJson, type CallBody } from './codec.js';
import { topics } from './topics.js';

/** ms a caller waits for the home's reply */
export const CALL_TIMEOUT_MS = 2_500;

export class CallClient {
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #sub: Subscription | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly self: NodeId,
    private readonly timeoutMs = CALL_TIMEOUT_MS,
  ) {}

  async start(): Promise<void> {
    this.#sub = await this.bus.subscribe(topics.node(this.self), (data) => {
      const d = decode(data);
      if (d?.kind !== 'json' || d.msg.t !== 'reply') return;
      const waiter = this.#pending.get(d.msg.id);
      if (!waiter) return; // late or duplicated reply
      this.#pending.delete(d.msg.id);
      if (d.msg.ok) waiter.resolve(d.msg.result);
      else waiter.reject(new RostraError(isErrorCode(d.msg.code) ? d.msg.code : 'internal', d.msg.message));
    });
  }

  call(spaceId: SpaceId, actor: Actor, body: CallBody): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RostraError('server_busy', "the Space's home node did not answer; retry"));
      }, this.timeoutMs);
      timer.unref();
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const msg = encodeJson({ t: 'call', id, from: this.self, actor, body });
      this.bus.publish(topics.cmd(spaceId), msg).catch((err: unknown) => {
        this.#pending.get(id)?.reject(new RostraError('server_busy', `bus unavailable: ${String(err)}`));
        this.#pending.delete(id);
      });
    });
  }

  async close(): Promise<void> {
    for (const w of this.#pending.values()) w.reject(new RostraError('server_busy', 'node shutting down'));
    this.#pending.clear();
    await this.#sub?.unsubscribe();
  }
}

/** remembers the last ids answered per caller so a duplicated request runs once */
export class SeenCalls {
  readonly #seen = new Map<string, number>();

  /** true the first time (from, id) is seen */
  first(from: NodeId, id: number, now: number): boolean {
    const key = `${from}:${id}`;
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, now);
    if (this.#seen.size > 2_000) {
      for (const [k, at] of this.#seen)
        if (now - at > 60_000 || this.#seen.size > 1_000) this.#seen.delete(k);
    }
    return true;
  }
}
