/**
 * LL-HLS packager for one Space: frames -> parts (CMAF chunks) -> segments -> playlist.
 *
 * Timing (defaults): a part is 20 frames = 400 ms, a segment 5 parts = 2 s, so
 * EXT-X-TARGETDURATION = 2, PART-TARGET = 0.4 and PART-HOLD-BACK = 0.8 s. Every part is
 * INDEPENDENT (each Opus packet decodes on its own). A part is published the moment its last
 * frame arrives; its bytes, the segment bytes and the playlist text are each built once.
 *
 * Numbering comes from the frames' seq (seq-timeline.ts): msn = floor(seq / 100), part =
 * (seq % 100) / 20, decode time = seq × 960, fragment sequence = msn × 5 + part + 1. So every
 * node fed the same frames serves the same URIs with the same bytes, whenever it started; a
 * packager starts at the next segment boundary, and whole segments missing (a failover gap)
 * are listed with EXT-X-GAP.
 *
 * Lifecycle: live -> end() (last short part, EXT-X-ENDLIST, waiters released) -> close()
 * (waiters released, memory dropped; every method but close() then throws).
 * Events: 'part' for each new part, 'segment' for each complete segment (gap segments
 * included; a recorder keeps these; the in-memory window drops old ones).
 */
import { TypedEmitter } from '../../core/events.js';
import { systemClock, type Clock } from '../../core/ports/clock.js';
import { FRAME_MS, FRAME_SAMPLES, type AudioFrame } from '../../protocol/audience.js';
import { DEFAULT_PRE_SKIP } from '../ogg/opus-head.js';
import { concatBytes } from './bytes.js';
import { mediaFragment } from './mp4/fragment.js';
import { initSegment } from './mp4/init.js';
import { renderMediaPlaylist, renderMultivariantPlaylist } from './playlist.js';
import { gapSegment, openSegment, type HlsPart, type HlsSegment } from './types.js';
import { SeqTimeline, type SeqItem } from './seq-timeline.js';
import { SegmentWindow } from './window.js';
import { Waiters } from './waiters.js';

export interface HlsStreamOptions {
  /** frames per part; default 20 (400 ms) */
  partFrames?: number;
  /** parts per segment; default 5 (2 s segments) */
  partsPerSegment?: number;
  /** complete segments listed and kept in memory; default 6 (12 s); Infinity keeps all */
  windowSegments?: number;
  preSkip?: number;
  /** bounded wait for blocking requests, ms; default 3 target durations */
  blockTimeoutMs?: number;
  /** peak bit/s announced in the multivariant playlist; default 48000 */
  bandwidth?: number;
  clock?: Clock;
}

export type HlsStreamEvents = { part: [HlsPart]; segment: [HlsSegment]; ended: [] };

export const HLS_DEFAULTS = {
  partFrames: 20,
  partsPerSegment: 5,
  windowSegments: 6,
  bandwidth: 48_000,
} as const;

/** most EXT-X-GAP segments listed for one jump when the window keeps everything (1 hour) */
const MAX_GAP_SEGMENTS = 1800;

export class HlsStream extends TypedEmitter<HlsStreamEvents> {
  readonly partFrames: number;
  readonly partsPerSegment: number;
  /** seconds */
  readonly partTarget: number;
  /** EXT-X-TARGETDURATION, whole seconds */
  readonly targetDuration: number;
  readonly blockTimeoutMs: number;
  readonly init: Uint8Array;
  readonly multivariant: string;
  readonly #window: SegmentWindow;
  readonly #timeline: SeqTimeline;
  readonly #waiters: Waiters;
  #open: HlsSegment;
  #pending: Extract<SeqItem, { kind: 'frame' }>[] = [];
  #playlist: string | null = null;
  #ended = false;
  #closed = false;

  constructor(opts: HlsStreamOptions = {}) {
    super();
    this.partFrames = opts.partFrames ?? HLS_DEFAULTS.partFrames;
    this.partsPerSegment = opts.partsPerSegment ?? HLS_DEFAULTS.partsPerSegment;
    if (!(this.partFrames >= 1 && this.partsPerSegment >= 1))
      throw new RangeError('parts need >= 1 frame, segments >= 1 part');
    this.partTarget = (this.partFrames * FRAME_MS) / 1000;
    this.targetDuration = Math.max(1, Math.round(this.partTarget * this.partsPerSegment));
    this.blockTimeoutMs = opts.blockTimeoutMs ?? 3 * this.targetDuration * 1000;
    this.init = initSegment({ preSkip: opts.preSkip ?? DEFAULT_PRE_SKIP });
    const bw = opts.bandwidth ?? HLS_DEFAULTS.bandwidth;
    this.multivariant = renderMultivariantPlaylist(bw, bw * 0.8);
    const windowSegments = opts.windowSegments ?? HLS_DEFAULTS.windowSegments;
    this.#window = new SegmentWindow(windowSegments);
    this.#timeline = new SeqTimeline({
      framesPerSegment: this.partFrames * this.partsPerSegment,
      maxGapSegments: Math.min(windowSegments, MAX_GAP_SEGMENTS),
    });
    this.#waiters = new Waiters(opts.clock ?? systemClock);
    this.#open = openSegment(0);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** msn of the segment being filled (the live edge) */
  get openMsn(): number {
    return this.#open.msn;
  }

  /** number of parts already in the open segment */
  get openParts(): number {
    return this.#open.parts.length;
  }

  /** msn of the oldest segment still held */
  get firstMsn(): number {
    return this.#window.firstMsn(this.#open.msn);
  }

  push(frame: AudioFrame): void {
    this.#assertLive();
    const items = this.#timeline.accept(frame);
    if (!this.#timeline.started) {
      // waiting for the first segment boundary: the preload hint names its first part
      const first = this.#timeline.firstMsn;
      if (first !== null && first !== this.#open.msn) {
        this.#open = openSegment(first);
        this.#playlist = null;
      }
      return;
    }
    for (const item of items) {
      if (item.kind === 'gap') {
        this.#addGap(item.msn, item.mixedAt);
        continue;
      }
      if (this.#pending.length === 0 && this.#open.parts.length === 0) {
        // the first frame of a segment: its msn follows from the seq (after a gap, or the start)
        this.#open.msn = Math.floor(item.pos / (this.partFrames * this.partsPerSegment));
      }
      this.#pending.push(item);
      if ((item.pos + 1) % this.partFrames === 0) this.#cutPart();
    }
  }

  /** Publishes the last (possibly short) part and segment and adds EXT-X-ENDLIST. Idempotent. */
  end(): void {
    this.#assertOpen();
    if (this.#ended) return;
    if (this.#pending.length > 0) this.#cutPart();
    if (this.#open.parts.length > 0) this.#completeSegment(false);
    this.#ended = true;
    this.#playlist = null;
    this.safeEmit('ended');
    this.#waiters.releaseAll();
  }

  /** Releases waiters and drops everything; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.releaseAll();
    this.removeAllListeners();
  }

  /** The current media playlist text (rendered once per change). */
  playlist(): string {
    this.#assertOpen();
    this.#playlist ??= renderMediaPlaylist({
      segments: this.#window.segments,
      open: this.#ended ? null : this.#open,
      mediaSequence: this.firstMsn,
      targetDuration: this.targetDuration,
      partTarget: this.partTarget,
      ended: this.#ended,
    });
    return this.#playlist;
  }

  /** true once part `part` of segment `msn` (or anything later) exists, or the stream ended */
  hasPart(msn: number, part: number): boolean {
    if (part >= this.partsPerSegment) return this.hasPart(msn + 1, 0);
    if (this.#ended) return true;
    return msn < this.#open.msn || (msn === this.#open.msn && part < this.#open.parts.length);
  }

  /** true once segment `msn` (or later) is complete, or the stream ended */
  hasSegment(msn: number): boolean {
    return this.#ended || msn < this.#open.msn;
  }

  getPart(msn: number, index: number): HlsPart | undefined {
    const seg = msn === this.#open.msn ? this.#open : this.#window.get(msn);
    return seg?.parts[index];
  }

  getSegment(msn: number): HlsSegment | undefined {
    return this.#window.get(msn);
  }

  /**
   * Resolves true when `ready()` holds, false after `timeoutMs` (bounded, never unbounded).
   * Callers check the state again after it resolves.
   */
  waitFor(ready: () => boolean, timeoutMs = this.blockTimeoutMs): Promise<boolean> {
    this.#assertOpen();
    return this.#waiters.wait(ready, timeoutMs);
  }

  /** Blocking playlist reload: the playlist once part (msn, part) exists; null on timeout. */
  async waitForPlaylist(
    msn: number,
    part: number | undefined,
    timeoutMs = this.blockTimeoutMs,
  ): Promise<string | null> {
    const ok = await this.waitFor(
      () => (part === undefined ? this.hasSegment(msn) : this.hasPart(msn, part)),
      timeoutMs,
    );
    return ok && !this.#closed ? this.playlist() : null;
  }

  /** A part requested before it exists (the preload hint): its bytes, or undefined on timeout. */
  async waitForPart(
    msn: number,
    index: number,
    timeoutMs = this.blockTimeoutMs,
  ): Promise<HlsPart | undefined> {
    await this.waitFor(() => this.getPart(msn, index) !== undefined || this.#ended, timeoutMs);
    return this.#closed ? undefined : this.getPart(msn, index);
  }

  #cutPart(): void {
    const frames = this.#pending;
    this.#pending = [];
    const first = frames[0];
    if (!first) return;
    const seg = this.#open;
    if (seg.parts.length === 0) {
      seg.mixedAt = first.mixedAt;
      seg.firstIndex = first.pos;
    }
    const index = seg.parts.length;
    const part: HlsPart = {
      msn: seg.msn,
      index,
      bytes: mediaFragment({
        // the same on every node: derived from the position, not counted per packager
        sequence: (seg.msn * this.partsPerSegment + index + 1) >>> 0,
        baseMediaDecodeTime: BigInt(first.pos) * BigInt(FRAME_SAMPLES),
        samples: frames.map((f) => f.opus),
      }),
      frames: frames.length,
      duration: (frames.length * FRAME_MS) / 1000,
    };
    seg.parts.push(part);
    seg.duration = Math.round((seg.duration + part.duration) * 1000) / 1000;
    this.safeEmit('part', part);
    if (seg.parts.length >= this.partsPerSegment) this.#completeSegment(true);
    this.#playlist = null;
    this.#waiters.check();
  }

  #completeSegment(openNext: boolean): void {
    const seg = this.#open;
    seg.bytes = concatBytes(seg.parts.map((p) => p.bytes));
    this.#window.add(seg);
    this.safeEmit('segment', seg);
    if (openNext) this.#open = openSegment(seg.msn + 1);
    this.#playlist = null;
  }

  /** A whole segment without media (EXT-X-GAP): listed with its nominal duration, never served. */
  #addGap(msn: number, mixedAt: number): void {
    const seg = gapSegment(msn, this.partFrames * this.partsPerSegment, mixedAt);
    this.#window.add(seg);
    this.safeEmit('segment', seg);
    this.#open = openSegment(msn + 1);
    this.#playlist = null;
    this.#waiters.check();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('HlsStream is closed');
  }

  #assertLive(): void {
    this.#assertOpen();
    if (this.#ended) throw new Error('HlsStream has ended');
  }
}
