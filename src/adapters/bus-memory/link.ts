/**
 * One directed link publisher-node -> subscriber-node: a FIFO of deliveries, each with a due
 * time. Deliveries leave strictly in order (a delayed one holds back later ones, as on a TCP
 * connection), so per-publisher order survives injected delays. Never delivers synchronously:
 * the pump runs from setImmediate (due now) or setTimeout (due later).
 */
export interface Delivery {
  topic: string;
  data: Uint8Array;
  /** performance.now() ms at which it may be delivered */
  due: number;
  /** runs the subscribers' handlers on the receiving node */
  deliver(): void;
}

/** deliveries dispatched per pump before yielding to I/O */
const PUMP_BATCH = 512;

export class Link {
  readonly #queue: Delivery[] = [];
  #head = 0;
  #timer: { kind: 'timeout'; t: NodeJS.Timeout } | { kind: 'immediate'; t: NodeJS.Immediate } | null = null;
  /** due time of the last queued delivery, ms (performance.now()) */
  #lastDue = 0;
  readonly #onDrained: (count: number) => void;

  /** `onDrained(n)` is told each time n deliveries have left the queue (delivered or discarded) */
  constructor(onDrained: (count: number) => void) {
    this.#onDrained = onDrained;
  }

  get size(): number {
    return this.#queue.length - this.#head;
  }

  /** `delayMs` is extra latency for this delivery; the link keeps FIFO order regardless */
  push(topic: string, data: Uint8Array, delayMs: number, deliver: () => void): void {
    const due = Math.max(performance.now() + delayMs, this.#lastDue);
    this.#lastDue = due;
    this.#queue.push({ topic, data, due, deliver });
    this.#schedule();
  }

  /** drops everything queued (the receiver closed) */
  clear(): void {
    const n = this.size;
    this.#queue.length = 0;
    this.#head = 0;
    this.#cancel();
    if (n > 0) this.#onDrained(n);
  }

  #cancel(): void {
    if (this.#timer === null) return;
    if (this.#timer.kind === 'timeout') clearTimeout(this.#timer.t);
    else clearImmediate(this.#timer.t);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    const head = this.#queue[this.#head];
    if (!head) return;
    const wait = head.due - performance.now();
    this.#timer =
      wait <= 0
        ? { kind: 'immediate', t: setImmediate(this.#pump) }
        : { kind: 'timeout', t: setTimeout(this.#pump, Math.ceil(wait)) };
  }

  readonly #pump = (): void => {
    this.#timer = null;
    let n = 0;
    const now = performance.now();
    while (n < PUMP_BATCH) {
      const head = this.#queue[this.#head];
      // 1 ms of slack: timers are ms-granular and may fire a fraction early
      if (!head || head.due > now + 1) break;
      this.#head++;
      n++;
      head.deliver();
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (n > 0) this.#onDrained(n);
    this.#schedule();
  };
}
