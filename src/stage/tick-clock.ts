/**
 * A drift-free periodic clock: tick n is due at start + n * periodMs, so timer lateness never
 * accumulates (setInterval drifts by its callback time and timer slop every period).
 * When the process stalls, missed ticks are run back to back (up to `maxCatchUp`) so the
 * output stays continuous; beyond that the clock skips ahead and counts the skipped ticks.
 */

export interface TickClockOptions {
  periodMs: number;
  /** monotonic ms; default performance.now */
  now?: () => number;
  /** schedules fn after ms; default setTimeout (returns a cancel function) */
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** a tick is 'late' when it runs more than this many ms after it was due */
  lateAfterMs?: number;
  /** most ticks run back to back after a stall before the clock skips ahead */
  maxCatchUp?: number;
  /** called per tick with its index and how late it runs, ms */
  onTick: (index: number, lateMs: number) => void;
}

export interface TickStats {
  ticks: number;
  late: number;
  skipped: number;
}

const defaultTimer = (fn: () => void, ms: number): (() => void) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export class TickClock {
  readonly #o: Required<TickClockOptions>;
  #start = 0;
  #index = 0;
  #cancel: (() => void) | null = null;
  #running = false;
  readonly stats: TickStats = { ticks: 0, late: 0, skipped: 0 };

  constructor(options: TickClockOptions) {
    this.#o = {
      now: () => performance.now(),
      setTimer: defaultTimer,
      lateAfterMs: options.periodMs / 2,
      maxCatchUp: 10,
      ...options,
    };
  }

  /** monotonic ms at which tick 0 was due */
  get startedAt(): number {
    return this.#start;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#start = this.#o.now();
    this.#index = 0;
    this.#run();
  }

  stop(): void {
    this.#running = false;
    this.#cancel?.();
    this.#cancel = null;
  }

  #run = (): void => {
    const { periodMs, now } = this.#o;
    let due = this.#start + this.#index * periodMs;
    let ran = 0;
    while (this.#running && now() >= due) {
      if (ran >= this.#o.maxCatchUp) {
        // too far behind: skip to the current period instead of bursting forever
        const behind = Math.floor((now() - due) / periodMs) + 1;
        this.#index += behind;
        this.stats.skipped += behind;
        due = this.#start + this.#index * periodMs;
        break;
      }
      const lateMs = now() - due;
      this.stats.ticks++;
      if (lateMs > this.#o.lateAfterMs) this.stats.late++;
      this.#o.onTick(this.#index, lateMs);
      this.#index++;
      ran++;
      due = this.#start + this.#index * periodMs;
    }
    if (!this.#running) return;
    this.#cancel = this.#o.setTimer(this.#run, Math.max(0, due - now()));
  };
}
