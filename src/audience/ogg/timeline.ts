/**
 * Turns the mixed stream's frames into a gapless timeline, shared by the Ogg and HLS packagers.
 * `index` counts 20 ms frames since the packager's first frame, so 48 kHz time = index * 960.
 *
 * - a duplicate or older frame (seq not ahead, uint32 wrap-aware) is dropped;
 * - a small gap (lost frames) is filled with 1-byte Opus packets: the TOC byte alone, which
 *   decoders treat as a lost frame (RFC 6716 §3.2.1: packet loss concealment), so media time
 *   stays equal to wall time and players keep their buffer;
 * - a gap longer than `maxFillFrames` (a mixer restart, a failover) is not filled: the timeline
 *   continues at the next index, as if the frames were adjacent.
 */
import { FRAME_MS, type AudioFrame } from '../../protocol/audience.js';

export interface TimedFrame {
  /** frames since the start of this packager's timeline */
  index: number;
  /** wall clock ms of the frame (estimated for fillers) */
  mixedAt: number;
  opus: Uint8Array;
  /** true for a loss-concealment filler */
  filler: boolean;
}

/** default largest gap filled with loss-concealment packets: 50 frames = 1 s */
export const DEFAULT_MAX_FILL_FRAMES = 50;

export class FrameTimeline {
  readonly #maxFill: number;
  #lastSeq: number | null = null;
  #next = 0;

  /**
   * @param opts.startIndex index of the first frame (default 0); a packager that takes over a
   *   Space's stream (failover) passes the index it should continue from
   */
  constructor(opts: { maxFillFrames?: number; startIndex?: number } = {}) {
    this.#maxFill = opts.maxFillFrames ?? DEFAULT_MAX_FILL_FRAMES;
    this.#next = opts.startIndex ?? 0;
  }

  /** index the next accepted frame will get */
  get nextIndex(): number {
    return this.#next;
  }

  /** The frames to package for this input, in order (empty for a stale or duplicate frame). */
  accept(frame: AudioFrame): TimedFrame[] {
    const out: TimedFrame[] = [];
    if (this.#lastSeq !== null) {
      const delta = (frame.seq - this.#lastSeq) >>> 0;
      if (delta === 0 || delta >= 0x80000000) return out; // duplicate or late
      const missing = delta - 1;
      if (missing > 0 && missing <= this.#maxFill) {
        const toc = (frame.opus[0] ?? 0) & 0xfc; // same config, code 0: one frame, no data
        for (let k = missing; k >= 1; k--) {
          out.push({
            index: this.#next++,
            mixedAt: frame.mixedAt - k * FRAME_MS,
            opus: Uint8Array.of(toc),
            filler: true,
          });
        }
      }
    }
    this.#lastSeq = frame.seq >>> 0;
    out.push({ index: this.#next++, mixedAt: frame.mixedAt, opus: frame.opus, filler: false });
    return out;
  }
}
