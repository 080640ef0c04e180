/**
 * Bounded waits for blocking requests. Each waiter holds a predicate; `check()` (called when a
 * part is published) resolves those that now hold. A waiter always ends: true when ready,
 * false at its timeout or on releaseAll() (end/close), so no request hangs.
 * Cost: O(waiters) per part; a CDN collapses identical requests, so waiters stay few.
 */
import type { Clock } from '../../core/ports/clock.js';

interface Waiter {
  ready: () => boolean;
  resolve: (ok: boolean) => void;
  cancel: () => void;
}

export class Waiters {
  readonly #clock: Clock;
  readonly #set = new Set<Waiter>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#set.size;
  }

  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        ready,
        resolve: (ok) => {
          this.#set.delete(w);
          w.cancel();
          resolve(ok);
        },
        cancel: () => {},
      };
      const timer = this.#clock.setTimeout(() => w.resolve(false), Math.max(0, timeoutMs));
      w.cancel = () => timer.cancel();
      this.#set.add(w);
    });
  }

  check(): void {
    for (const w of [...this.#set]) if (w.ready()) w.resolve(true);
  }

  /** Ends every wait: those whose condition holds get true, the rest false. */
  releaseAll(): void {
    for (const w of [...this.#set]) w.resolve(w.ready());
  }
}
