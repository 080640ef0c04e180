/** A Clock for tests: time moves only when `advance` is called; timers fire in time order. */
import type { Clock } from '../../ports/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  every: number | null;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  /** @param start ms since epoch */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    return this.#add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): { cancel(): void } {
    return this.#add(fn, ms, Math.max(1, ms));
  }

  /** timers not yet fired or cancelled */
  get pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** moves time forward by `ms`, firing due timers in order */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const live = this.#timers.filter((t) => !t.cancelled && t.at <= end);
      live.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = live[0];
      if (!next) break;
      this.#now = next.at;
      if (next.every === null) next.cancelled = true;
      else next.at += next.every;
      next.fn();
    }
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    this.#now = end;
  }

  #add(fn: () => void, ms: number, every: number | null): { cancel(): void } {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, every, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }
}
