/**
 * Widens the batch window when writing a batch to every socket eats too much of the window,
 * and narrows it back when load falls. One write pass costs about (sockets x one send), and
 * that does not depend on the window, so a wider window means fewer passes per second:
 *
 *   event-loop share = passMs / (windowFrames x 20 ms)
 *   share > busyFraction                          -> windowFrames + 1 (up to max)
 *   share at windowFrames - 1 < busyFraction / 2  -> windowFrames - 1 (down to min)
 *
 * So latency is traded for throughput only when the process would otherwise fall behind, and
 * batching never adds more than max x 20 ms.
 */
import { FRAME_MS } from '../../protocol/audience.js';

export interface TunerOptions {
  /** the configured window, frames: never narrower */
  minFrames: number;
  /** the widest window, frames */
  maxFrames: number;
  /** share of the window a write pass may take before the window widens; default 0.5 */
  busyFraction?: number;
}

/** weight of the newest pass in the moving average */
const ALPHA = 0.3;

export class WindowTuner {
  readonly #min: number;
  readonly #max: number;
  readonly #busy: number;
  /** moving average of the write pass duration, ms */
  #avgMs = 0;

  constructor(options: TunerOptions) {
    this.#min = options.minFrames;
    this.#max = Math.max(options.minFrames, options.maxFrames);
    this.#busy = options.busyFraction ?? 0.5;
  }

  get averagePassMs(): number {
    return this.#avgMs;
  }

  /** Records a pass of `passMs` made with `current` frames per batch; returns the window to use next. */
  next(current: number, passMs: number): number {
    this.#avgMs = this.#avgMs === 0 ? passMs : this.#avgMs + ALPHA * (passMs - this.#avgMs);
    if (current < this.#max && this.#avgMs > this.#busy * current * FRAME_MS) return current + 1;
    if (current > this.#min && this.#avgMs < (this.#busy / 2) * (current - 1) * FRAME_MS) return current - 1;
    return current;
  }
}
