/**
 * One node's Bus on a MemoryBroker. Handlers run from the broker's link pump, never inside
 * publish(); a handler that throws is reported to the broker and the others still run.
 * Lifecycle: open -> close() (idempotent): its subscriptions end, deliveries queued to it are
 * discarded, later publish/subscribe reject with "MemoryBus '<node>' is closed".
 */
import type { Bus, BusHandler, Subscription } from '../../core/ports/bus.js';

/** What a bus needs from its broker. */
export interface BrokerSide {
  publish(topic: string, data: Uint8Array): void;
  closed(): void;
  handlerError(error: unknown, topic: string): void;
}

export interface LocalSubscription {
  readonly handler: BusHandler;
  active: boolean;
}

export class MemoryBus implements Bus {
  readonly nodeId: string;
  readonly #broker: BrokerSide;
  readonly #topics = new Map<string, Set<LocalSubscription>>();
  #closed = false;

  constructor(nodeId: string, broker: BrokerSide) {
    this.nodeId = nodeId;
    this.#broker = broker;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #refuse(): Promise<never> {
    return Promise.reject(new Error(`MemoryBus '${this.nodeId}' is closed`));
  }

  publish(topic: string, data: Uint8Array): Promise<void> {
    if (this.#closed) return this.#refuse();
    if (typeof topic !== 'string' || topic === '')
      return Promise.reject(new TypeError('topic must be a non-empty string'));
    if (!(data instanceof Uint8Array)) return Promise.reject(new TypeError('data must be a Uint8Array'));
    this.#broker.publish(topic, data);
    return Promise.resolve();
  }

  subscribe(topic: string, handler: BusHandler): Promise<Subscription> {
    if (this.#closed) return this.#refuse();
    if (typeof topic !== 'string' || topic === '')
      return Promise.reject(new TypeError('topic must be a non-empty string'));
    const sub: LocalSubscription = { handler, active: true };
    let set = this.#topics.get(topic);
    if (!set) this.#topics.set(topic, (set = new Set()));
    set.add(sub);
    const unsubscribe = (): Promise<void> => {
      if (!sub.active) return Promise.resolve();
      sub.active = false;
      const current = this.#topics.get(topic);
      current?.delete(sub);
      if (current?.size === 0) this.#topics.delete(topic);
      return Promise.resolve();
    };
    return Promise.resolve({ unsubscribe });
  }

  /** the active subscriptions of a topic, as a snapshot (for the broker at publish time) */
  subscriptionsFor(topic: string): LocalSubscription[] {
    const set = this.#topics.get(topic);
    return set ? [...set] : [];
  }

  /** runs the handlers still subscribed; called by the broker's link pump */
  dispatch(subs: readonly LocalSubscription[], topic: string, data: Uint8Array): void {
    for (const sub of subs) {
      if (!sub.active || this.#closed) continue;
      try {
        sub.handler(data, topic);
      } catch (error) {
        this.#broker.handlerError(error, topic);
      }
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const set of this.#topics.values()) for (const sub of set) sub.active = false;
    this.#topics.clear();
    this.#broker.closed();
    return Promise.resolve();
  }
}
