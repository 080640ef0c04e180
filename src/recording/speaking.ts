/**
 * Who spoke when, from the mixer's level reports (loudest frame RMS 0..1 of full scale per
 * speaker, every ~200 ms). A speaker is speaking while their level is >= `threshold`; pauses
 * shorter than `hangoverMs` do not split a turn; turns shorter than `minSpeakMs` are dropped.
 * A report at time t describes the window since the previous report, so a turn starts at the
 * previous report time and ends at the last report above the threshold.
 */
export interface SpeakingInterval {
  userId: string;
  /** ms since epoch */
  startAt: number;
  /** ms since epoch */
  endAt: number;
}

export interface SpeakingOptions {
  /** RMS 0..1; default 0.02 (about -34 dBFS: above room noise, below quiet speech) */
  threshold?: number;
  /** ms; default 300 */
  minSpeakMs?: number;
  /** ms of quiet that ends a turn; default 500 */
  hangoverMs?: number;
}

/** ms assumed for the window of the very first report */
const FIRST_WINDOW_MS = 200;

export class SpeakingTracker {
  readonly #threshold: number;
  readonly #minMs: number;
  readonly #hangoverMs: number;
  readonly #open = new Map<string, { startAt: number; lastAbove: number }>();
  #lastReportAt: number | null = null;

  constructor(
    private readonly onInterval: (interval: SpeakingInterval) => void,
    opts: SpeakingOptions = {},
  ) {
    this.#threshold = opts.threshold ?? 0.02;
    this.#minMs = opts.minSpeakMs ?? 300;
    this.#hangoverMs = opts.hangoverMs ?? 500;
  }

  report(levels: Record<string, number>, now: number): void {
    const windowStart = this.#lastReportAt ?? now - FIRST_WINDOW_MS;
    this.#lastReportAt = now;
    for (const [userId, level] of Object.entries(levels)) {
      if (!(level >= this.#threshold)) continue;
      const turn = this.#open.get(userId);
      if (turn) turn.lastAbove = now;
      else this.#open.set(userId, { startAt: windowStart, lastAbove: now });
    }
    for (const [userId, turn] of this.#open) {
      if (now - turn.lastAbove >= this.#hangoverMs) this.#close(userId, turn);
    }
  }

  /** Ends every open turn (the recording stops). */
  flush(): void {
    for (const [userId, turn] of this.#open) this.#close(userId, turn);
  }

  #close(userId: string, turn: { startAt: number; lastAbove: number }): void {
    this.#open.delete(userId);
    if (turn.lastAbove - turn.startAt >= this.#minMs)
      this.onInterval({ userId, startAt: turn.startAt, endAt: turn.lastAbove });
  }
}
