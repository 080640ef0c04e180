/**
 * An in-memory message broker that several MemoryBus "nodes" connect to, so multi-node
 * behaviour runs in one process (style.md §8):
 *
 *   const broker = new MemoryBroker({ seed: 42 });
 *   const busA = broker.connect('a'), busB = broker.connect('b');
 *   broker.setFaults({ drop: 0.1, duplicate: 0.05, delay: 0.2, delayMs: [10, 100] });
 *   broker.partition('b'); ... broker.heal('b');
 *
 * Every delivery (one message to one receiving node, the publishing node included: it models a
 * shared broker such as Redis) goes through a FIFO link per (publisher, receiver) pair, so
 * per-publisher order holds even with delays. Faults draw from a seeded PRNG: the same seed
 * and the same sequence of calls give the same drops, duplicates and delays.
 * A partitioned node can neither send to nor receive from other nodes (its own loopback still
 * works); deliveries already in flight across the cut are lost.
 */
import { silentLogger, type Logger } from '../../core/log.js';
import { checkFaults, decide, type FaultOptions } from './faults.js';
import { Link } from './link.js';
import { MemoryBus, type BrokerSide, type LocalSubscription } from './memory-bus.js';
import { seededRandom } from './rng.js';

export interface MemoryBrokerOptions {
  /** PRNG seed for fault injection; default 1 */
  seed?: number;
  faults?: FaultOptions;
  /** told about handlers that throw (the other handlers still run) */
  logger?: Logger;
}

/** Counters, in deliveries (one message to one receiving node) unless named otherwise. */
export interface BrokerStats {
  /** publish() calls accepted */
  published: number;
  /** deliveries handed to the receiving node's handlers (duplicates count twice) */
  delivered: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  /** deliveries lost to a partition */
  partitioned: number;
  /** handler calls that threw */
  handlerErrors: number;
}

export class MemoryBroker {
  readonly #nodes = new Map<string, MemoryBus>();
  readonly #links = new Map<string, Link>();
  readonly #partitioned = new Set<string>();
  /** per-link fault settings that override the broker-wide ones, by `${from}\u0000${to}` */
  readonly #linkFaults = new Map<string, Required<FaultOptions>>();
  readonly #random: () => number;
  readonly #logger: Logger;
  #faults: Required<FaultOptions>;
  #pending = 0;
  #idleWaiters: (() => void)[] = [];
  readonly #stats: BrokerStats = {
    published: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    delayed: 0,
    partitioned: 0,
    handlerErrors: 0,
  };

  constructor(options: MemoryBrokerOptions = {}) {
    this.#random = seededRandom(options.seed ?? 1);
    this.#faults = checkFaults(options.faults ?? {});
    this.#logger = options.logger ?? silentLogger;
  }

  /** A new node on this broker. A node id may be reused once its previous bus is closed. */
  connect(nodeId: string): MemoryBus {
    if (this.#nodes.has(nodeId)) throw new Error(`node '${nodeId}' is already connected`);
    const side: BrokerSide = {
      publish: (topic, data) => this.#publish(nodeId, topic, data),
      closed: () => this.#disconnect(nodeId),
      handlerError: (error, topic) => {
        this.#stats.handlerErrors++;
        this.#logger.error({ err: error, topic, node: nodeId }, 'bus handler threw');
      },
    };
    const bus = new MemoryBus(nodeId, side);
    this.#nodes.set(nodeId, bus);
    return bus;
  }

  /** Replaces the fault settings for deliveries published from now on. */
  setFaults(faults: FaultOptions): void {
    this.#faults = checkFaults(faults);
  }

  /**
   * Fault settings for one direction between two nodes only (e.g. a lossy a -> b), overriding
   * the broker-wide ones; null restores the broker-wide settings for that link.
   */
  setLinkFaults(from: string, to: string, faults: FaultOptions | null): void {
    const key = `${from}\u0000${to}`;
    if (faults === null) this.#linkFaults.delete(key);
    else this.#linkFaults.set(key, checkFaults(faults));
  }

  /** Cuts a node off from every other node until heal(). */
  partition(nodeId: string): void {
    this.#partitioned.add(nodeId);
  }

  /** Heals one node, or every partition when no id is given. */
  heal(nodeId?: string): void {
    if (nodeId === undefined) this.#partitioned.clear();
    else this.#partitioned.delete(nodeId);
  }

  isPartitioned(nodeId: string): boolean {
    return this.#partitioned.has(nodeId);
  }

  get stats(): Readonly<BrokerStats> {
    return { ...this.#stats };
  }

  /** deliveries queued and not yet handed over (delayed ones included) */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves once no delivery is queued (including delayed ones). */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Closes every connected bus; idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.#nodes.values()].map((bus) => bus.close()));
  }

  #cut(from: string, to: string): boolean {
    return from !== to && (this.#partitioned.has(from) || this.#partitioned.has(to));
  }

  #publish(from: string, topic: string, data: Uint8Array): void {
    this.#stats.published++;
    // a copy, as a plain Uint8Array: the publisher may reuse its buffer once publish returns
    // (Buffer#slice would only make a view, so not data.slice())
    const copy = new Uint8Array(data);
    for (const [to, bus] of this.#nodes) {
      const subs = bus.subscriptionsFor(topic);
      if (subs.length === 0) continue;
      if (this.#cut(from, to)) {
        this.#stats.partitioned++;
        continue;
      }
      const fault = decide(this.#linkFaults.get(`${from}\u0000${to}`) ?? this.#faults, this.#random);
      if (fault.drop) {
        this.#stats.dropped++;
        continue;
      }
      if (fault.delayMs > 0) this.#stats.delayed++;
      const link = this.#link(from, to);
      const deliver = () => this.#deliver(from, to, bus, subs, topic, copy);
      const copies = fault.duplicate ? 2 : 1;
      if (fault.duplicate) this.#stats.duplicated++;
      for (let i = 0; i < copies; i++) {
        this.#pending++;
        link.push(topic, copy, fault.delayMs, deliver);
      }
    }
  }

  #deliver(
    from: string,
    to: string,
    bus: MemoryBus,
    subs: readonly LocalSubscription[],
    topic: string,
    data: Uint8Array,
  ): void {
    if (this.#cut(from, to)) {
      this.#stats.partitioned++;
      return;
    }
    if (bus.closed) return;
    this.#stats.delivered++;
    bus.dispatch(subs, topic, data);
  }

  #link(from: string, to: string): Link {
    const key = `${from}\u0000${to}`;
    let link = this.#links.get(key);
    if (!link) {
      link = new Link((n) => this.#drained(n));
      this.#links.set(key, link);
    }
    return link;
  }

  #drained(n: number): void {
    this.#pending -= n;
    if (this.#pending > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #disconnect(nodeId: string): void {
    this.#nodes.delete(nodeId);
    // deliveries queued to the closed node are discarded; its own in-flight messages still arrive
    for (const [key, link] of this.#links) {
      if (key.endsWith(`\u0000${nodeId}`)) {
        link.clear();
        this.#links.delete(key);
      }
    }
  }
}
