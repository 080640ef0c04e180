/**
 * The sliding window of complete segments a live playlist lists (and the origin keeps in
 * memory). Kept apart from the packager so a recorder can keep everything instead: subscribe
 * to HlsStream's 'segment' event, or use `maxSegments: Infinity`.
 */
import type { HlsSegment } from './types.js';

export class SegmentWindow {
  readonly maxSegments: number;
  readonly #segments: HlsSegment[] = [];

  /** @param maxSegments complete segments kept; >= 1, Infinity keeps all */
  constructor(maxSegments: number) {
    if (!(maxSegments >= 1)) throw new RangeError('the window holds at least one segment');
    this.maxSegments = maxSegments;
  }

  /** Adds a complete segment; returns the segments that fell out of the window (oldest first). */
  add(segment: HlsSegment): HlsSegment[] {
    this.#segments.push(segment);
    const over = this.#segments.length - this.maxSegments;
    return over > 0 ? this.#segments.splice(0, over) : [];
  }

  get segments(): readonly HlsSegment[] {
    return this.#segments;
  }

  /** EXT-X-MEDIA-SEQUENCE: msn of the oldest listed segment, or `fallback` when empty */
  firstMsn(fallback: number): number {
    return this.#segments[0]?.msn ?? fallback;
  }

  get(msn: number): HlsSegment | undefined {
    const first = this.#segments[0];
    if (!first) return undefined;
    const direct = this.#segments[msn - first.msn];
    if (direct?.msn === msn) return direct;
    // msns skip only after a gap longer than the gap segments listed for it (window: Infinity)
    return this.#segments.find((s) => s.msn === msn);
  }
}
