/**
 * Reactions are aggregated per window: the first reaction opens a window of `windowMs`; when it
 * closes the Room emits one `reactions` event with the counts. No reactions, no event.
 */
import type { ReactionEmoji } from '../../protocol/limits.js';
import type { Clock } from '../ports/clock.js';

export interface ReactionBatch {
  /** length of the aggregation window, ms */
  windowMs: number;
  counts: Partial<Record<ReactionEmoji, number>>;
}

export class ReactionWindow {
  #counts: Partial<Record<ReactionEmoji, number>> = {};
  #timer: { cancel(): void } | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly onBatch: (batch: ReactionBatch) => void,
  ) {}

  add(emoji: ReactionEmoji): void {
    this.#counts[emoji] = (this.#counts[emoji] ?? 0) + 1;
    this.#timer ??= this.clock.setTimeout(() => this.#flush(), this.windowMs);
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#counts = {};
  }

  #flush(): void {
    this.#timer = null;
    const counts = this.#counts;
    this.#counts = {};
    if (Object.keys(counts).length > 0) this.onBatch({ windowMs: this.windowMs, counts });
  }
}
