/**
 * Groups consecutive 20 ms audio frames into batches. A batch is flushed when it holds
 * `windowFrames` frames, when the next frame does not follow on (seq gap), or when the first
 * frame in it has waited `maxHoldMs` (a late frame), so batching adds at most `maxHoldMs` of delay.
 *
 *   push(f0) -> hold, arm timer(maxHoldMs)
 *   push(f1) -> hold
 *   push(f2) -> flush [f0 f1 f2] (window full), disarm timer
 *   timer fires before f2 arrives -> flush [f0 f1]; f2 starts the next batch
 */
import type { Clock } from '../../core/ports/clock.js';
import { FRAME_MS, type AudioFrame } from '../../protocol/audience.js';

export interface BatcherOptions {
  /** frames per batch, 1..255; default 3 (60 ms) */
  windowFrames?: number;
  /** longest a frame waits in a batch before it is flushed anyway, ms; default windowFrames * 20 */
  maxHoldMs?: number;
}

export const DEFAULT_WINDOW_FRAMES = 3;

export class FrameBatcher {
  #windowFrames: number;
  #maxHoldMs: number;
  /** maxHoldMs follows the window when the caller did not fix it */
  readonly #holdFollowsWindow: boolean;
  readonly #clock: Clock;
  readonly #flush: (frames: AudioFrame[]) => void;
  #frames: AudioFrame[] = [];
  #timer: { cancel(): void } | null = null;

  constructor(clock: Clock, flush: (frames: AudioFrame[]) => void, options: BatcherOptions = {}) {
    const windowFrames = options.windowFrames ?? DEFAULT_WINDOW_FRAMES;
    checkWindow(windowFrames);
    this.#windowFrames = windowFrames;
    this.#holdFollowsWindow = options.maxHoldMs === undefined;
    this.#maxHoldMs = options.maxHoldMs ?? windowFrames * FRAME_MS;
    this.#clock = clock;
    this.#flush = flush;
  }

  get windowFrames(): number {
    return this.#windowFrames;
  }

  get maxHoldMs(): number {
    return this.#maxHoldMs;
  }

  /** Changes the batch size from the next batch on (the fan-out widens it under load). */
  setWindowFrames(windowFrames: number): void {
    checkWindow(windowFrames);
    this.#windowFrames = windowFrames;
    if (this.#holdFollowsWindow) this.#maxHoldMs = windowFrames * FRAME_MS;
  }

  /** frames waiting for the current batch to close */
  get pending(): number {
    return this.#frames.length;
  }

  push(frame: AudioFrame): void {
    const last = this.#frames[this.#frames.length - 1];
    if (last && frame.seq !== (last.seq + 1) >>> 0) this.flush();
    this.#frames.push(frame);
    if (this.#frames.length >= this.#windowFrames) {
      this.flush();
    } else if (!this.#timer) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, this.#maxHoldMs);
    }
  }

  /** Sends what is held now (if anything). */
  flush(): void {
    this.#timer?.cancel();
    this.#timer = null;
    if (this.#frames.length === 0) return;
    const frames = this.#frames;
    this.#frames = [];
    this.#flush(frames);
  }

  /** Drops held frames and the timer; idempotent. */
  clear(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#frames = [];
  }
}

function checkWindow(windowFrames: number): void {
  if (!Number.isInteger(windowFrames) || windowFrames < 1 || windowFrames > 255) {
    throw new RangeError('windowFrames must be an integer in 1..255');
  }
}
