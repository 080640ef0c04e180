/**
 * Maps the mixed stream's frame seq to LL-HLS positions so that every node packaging the same
 * Space numbers segments and parts the same way, whenever it started:
 *
 *   pos = seq (unwrapped),  msn = floor(pos / framesPerSegment),
 *   part = floor((pos % framesPerSegment) / partFrames),  decode time = pos × 960.
 *
 * The seq is continuous for a Space's life (the mixer derives it from the Space's creation
 * time, so a new home after a failover continues past the gap: src/stage/mixer.ts).
 *
 * - A packager starts at the first frame that opens a segment (pos % framesPerSegment = 0):
 *   a node that joins mid-segment waits up to one segment (2 s) and never publishes a segment
 *   that differs from another node's.
 * - Inside a segment that has audio, every missing frame is filled with a 1-byte Opus packet
 *   (TOC only: the decoder conceals a lost frame), so each segment is whole and every node
 *   that received the same frames builds the same bytes.
 * - A segment with no frame at all (a failover gap, a mixer restart) becomes an EXT-X-GAP
 *   segment (draft-pantos-hls-rfc8216bis §4.4.4.7): listed, never loaded. At most
 *   `maxGapSegments` are emitted (older ones would leave the window at once anyway).
 * - A duplicate or older frame (seq not ahead, uint32 wrap-aware) is dropped.
 */
import { FRAME_MS, type AudioFrame } from '../../protocol/audience.js';

export type SeqItem =
  /** one frame at `pos`; `filler` for a loss-concealment packet */
  | { kind: 'frame'; pos: number; mixedAt: number; opus: Uint8Array; filler: boolean }
  /** a whole segment without media; `mixedAt` is its estimated wall-clock start */
  | { kind: 'gap'; msn: number; mixedAt: number };

export interface SeqTimelineOptions {
  framesPerSegment: number;
  /** most gap segments emitted for one jump */
  maxGapSegments: number;
}

export class SeqTimeline {
  readonly #perSegment: number;
  readonly #maxGap: number;
  #lastSeq = 0;
  /** unwrapped position of the last accepted frame; null until the first segment starts */
  #lastPos: number | null = null;
  /** msn of the first segment, once a frame was seen (before that: null) */
  #firstMsn: number | null = null;

  constructor(opts: SeqTimelineOptions) {
    if (!(opts.framesPerSegment >= 1 && opts.maxGapSegments >= 1)) throw new RangeError('bad timeline sizes');
    this.#perSegment = opts.framesPerSegment;
    this.#maxGap = opts.maxGapSegments;
  }

  /** msn of the first segment this packager publishes (known from the first frame seen), or null */
  get firstMsn(): number | null {
    return this.#firstMsn;
  }

  get started(): boolean {
    return this.#lastPos !== null;
  }

  /** What to package for this input frame, in order (empty while waiting or for a stale frame). */
  accept(frame: AudioFrame): SeqItem[] {
    const seq = frame.seq >>> 0;
    const F = this.#perSegment;
    if (this.#lastPos === null) {
      if (seq % F !== 0) {
        this.#firstMsn = Math.floor(seq / F) + 1; // wait for the next segment boundary
        return [];
      }
      this.#firstMsn = seq / F;
      this.#lastSeq = seq;
      this.#lastPos = seq;
      return [{ kind: 'frame', pos: seq, mixedAt: frame.mixedAt, opus: frame.opus, filler: false }];
    }
    const delta = (seq - this.#lastSeq) >>> 0;
    if (delta === 0 || delta >= 0x8000_0000) return []; // duplicate or late
    const last = this.#lastPos;
    const pos = last + delta;
    const out: SeqItem[] = delta === 1 ? [] : this.#missing(frame, last, pos);
    this.#lastSeq = seq;
    this.#lastPos = pos;
    out.push({ kind: 'frame', pos, mixedAt: frame.mixedAt, opus: frame.opus, filler: false });
    return out;
  }

  /** What stands for the frames between `last` and `pos` (both exclusive): fillers and gaps. */
  #missing(frame: AudioFrame, last: number, pos: number): SeqItem[] {
    const F = this.#perSegment;
    const out: SeqItem[] = [];
    const toc = (frame.opus[0] ?? 0) & 0xfc; // same config, code 0: one frame, no data
    const fill = (from: number, to: number): void => {
      for (let p = from; p < to; p++) {
        out.push({
          kind: 'frame',
          pos: p,
          mixedAt: frame.mixedAt - (pos - p) * FRAME_MS,
          opus: Uint8Array.of(toc),
          filler: true,
        });
      }
    };
    const lastMsn = Math.floor(last / F);
    const msn = Math.floor(pos / F);
    if (msn - lastMsn <= 1) {
      fill(last + 1, pos); // no whole segment missing
    } else {
      fill(last + 1, (lastMsn + 1) * F); // finish the segment that was open
      for (let m = Math.max(lastMsn + 1, msn - this.#maxGap); m < msn; m++) {
        out.push({ kind: 'gap', msn: m, mixedAt: frame.mixedAt - (pos - m * F) * FRAME_MS });
      }
      fill(msn * F, pos); // the head of the segment the new frame is in
    }
    return out;
  }
}
