/**
 * Widens the batch window when writing to the sockets eats too much of the window, or when the
 * event loop as a whole is too busy (a join storm, other Spaces), and narrows it back when load
 * falls. Writing every lane once costs about (sockets x one write) whatever the window, so a
 * wider window means fewer writes per listener-second and leaves the loop free for joins:
 *
 *   write share = passMs / (windowFrames x 20 ms)
 *   write share > busyFraction, or loop busy > loopBusyFraction   -> windowFrames + 1 (up to max)
 *   write share at windowFrames - 1 < busyFraction / 2,
 *     and loop busy < 0.7 x loopBusyFraction                       -> windowFrames - 1 (down to min)
 *
 * "loop busy" is the event loop utilisation (share of wall time the loop spent running, not
 * waiting) over the last cycle, when the caller measures it. So latency is traded for
 * throughput only when the process would otherwise fall behind, and batching never adds more
 * than max x 20 ms.
 */
import { FRAME_MS } from '../../protocol/audience.js';

export interface TunerOptions {
  /** the configured window, frames: never narrower */
  minFrames: number;
  /** the widest window, frames */
  maxFrames: number;
  /** share of the window writing to every socket once may take before the window widens; default 0.5 */
  busyFraction?: number;
  /** event loop utilisation above which the window widens; default 0.85 */
  loopBusyFraction?: number;
}

/** the loop counts as calm again below this share of loopBusyFraction (hysteresis) */
const LOOP_CALM = 0.7;

/** weight of the newest pass in the moving average */
const ALPHA = 0.3;

export class WindowTuner {
  readonly #min: number;
  readonly #max: number;
  readonly #busy: number;
  readonly #loopBusy: number;
  /** moving average of the write pass duration, ms */
  #avgMs = 0;

  constructor(options: TunerOptions) {
    this.#min = options.minFrames;
    this.#max = Math.max(options.minFrames, options.maxFrames);
    this.#busy = options.busyFraction ?? 0.5;
    this.#loopBusy = options.loopBusyFraction ?? 0.85;
  }

  get averagePassMs(): number {
    return this.#avgMs;
  }

  /**
   * Records a pass of `passMs` made with `current` frames per batch, and the event loop's
   * utilisation (0..1) over the same time if known; returns the window to use next.
   */
  next(current: number, passMs: number, loopBusy = 0): number {
    this.#avgMs = this.#avgMs === 0 ? passMs : this.#avgMs + ALPHA * (passMs - this.#avgMs);
    const writesTooMuch = this.#avgMs > this.#busy * current * FRAME_MS;
    if (current < this.#max && (writesTooMuch || loopBusy > this.#loopBusy)) return current + 1;
    const writesLittle = this.#avgMs < (this.#busy / 2) * (current - 1) * FRAME_MS;
    if (current > this.#min && writesLittle && loopBusy < LOOP_CALM * this.#loopBusy) return current - 1;
    return current;
  }
}
