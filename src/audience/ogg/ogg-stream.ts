/**
 * Live Ogg/Opus packager for one Space (RFC 7845 over RFC 3533). Each page is built ONCE and the
 * same bytes go to every HTTP listener (see fanout.ts).
 *
 * Lifecycle: new -> push()* -> end() (emits a last page with the EOS flag) -> close().
 *
 * Live joining: every listener gets the same two header pages (serial S, page numbers 0 and 1),
 * then the data pages from the next one on. Granule positions count 48 kHz samples from the
 * start of the Space's stream (incl. the 312-sample pre-skip), so a late joiner's first data
 * page has a large granule and its page numbers jump from 1 to N; RFC 7845 §4.5 allows a stream
 * to start at a non-zero granule and ffmpeg / browsers accept both (test/integration/ogg-*).
 */
import { TypedEmitter } from '../../core/events.js';
import { FRAME_SAMPLES, type AudioFrame } from '../../protocol/audience.js';
import { DEFAULT_PRE_SKIP, opusHead, opusTags } from './opus-head.js';
import { PageFlag, buildPage, concat, packPages, type PacketIn } from './page.js';
import { FrameTimeline, type TimedFrame } from './timeline.js';

export interface OggStreamOptions {
  /** Opus frames per data page: 1 = lowest latency (~35% framing overhead), 50 = ~1 s pages */
  framesPerPage?: number;
  /** encoder lookahead in 48 kHz samples (OpusHead pre-skip) */
  preSkip?: number;
  /** Ogg logical stream serial; random by default */
  serial?: number;
  vendor?: string;
  /** comments for OpusTags, e.g. `TITLE=My Space` */
  comments?: readonly string[];
  maxFillFrames?: number;
  /** timeline index of the first frame (granules start at (startIndex + 1) * 960); default 0 */
  startIndex?: number;
}

export interface OggPage {
  bytes: Uint8Array;
  /** timeline index of the first frame on the page */
  firstIndex: number;
  frames: number;
  /** wall clock of the first frame on the page, ms */
  mixedAt: number;
  eos: boolean;
}

export type OggStreamEvents = { page: [OggPage] };

/** default frames per page: 10 = 200 ms, ~4% framing overhead at 32 kbps */
export const DEFAULT_FRAMES_PER_PAGE = 10;

export class OggStream extends TypedEmitter<OggStreamEvents> {
  readonly framesPerPage: number;
  readonly serial: number;
  readonly #headers: Uint8Array;
  readonly #timeline: FrameTimeline;
  #pending: TimedFrame[] = [];
  #sequence = 2; // 0 and 1 are the header pages
  #ended = false;
  #closed = false;

  constructor(opts: OggStreamOptions = {}) {
    super();
    this.framesPerPage = opts.framesPerPage ?? DEFAULT_FRAMES_PER_PAGE;
    if (!Number.isInteger(this.framesPerPage) || this.framesPerPage < 1) {
      throw new RangeError('framesPerPage must be a positive integer');
    }
    this.serial = (opts.serial ?? Math.floor(Math.random() * 0x100000000)) >>> 0;
    this.#timeline = new FrameTimeline({ maxFillFrames: opts.maxFillFrames, startIndex: opts.startIndex });
    const head = buildPage(
      { flags: PageFlag.bos, granule: 0n, serial: this.serial, sequence: 0 },
      [19],
      opusHead({ preSkip: opts.preSkip ?? DEFAULT_PRE_SKIP }),
    );
    let seq = 1;
    const tags = packPages(
      [{ data: opusTags(opts.vendor ?? 'rostra', opts.comments), granule: 0n }],
      { serial: this.serial },
      () => seq++,
    );
    this.#sequence = seq;
    this.#headers = concat([head, ...tags]);
  }

  /** The BOS page (OpusHead) and the OpusTags page(s), built once; every listener starts here. */
  headerPages(): Uint8Array {
    return this.#headers;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(frame: AudioFrame): void {
    this.#assertOpen();
    if (this.#ended) throw new Error('OggStream has ended');
    for (const f of this.#timeline.accept(frame)) {
      this.#pending.push(f);
      if (this.#pending.length >= this.framesPerPage) this.#flush(false);
    }
  }

  /** Flushes buffered frames in a last page flagged end-of-stream. Idempotent. */
  end(): void {
    this.#assertOpen();
    if (this.#ended) return;
    this.#ended = true;
    this.#flush(true);
  }

  /** Drops listeners; idempotent. Does not emit EOS (call end() first for a clean finish). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.removeAllListeners();
  }

  #flush(eos: boolean): void {
    const frames = this.#pending;
    this.#pending = [];
    const next = this.#timeline.nextIndex;
    const packets: PacketIn[] = frames.map((f) => ({
      data: f.opus,
      granule: BigInt(f.index + 1) * BigInt(FRAME_SAMPLES),
    }));
    let pages: Uint8Array[];
    if (packets.length > 0) {
      pages = packPages(packets, { serial: this.serial }, () => this.#sequence++);
    } else if (eos) {
      const granule = BigInt(next) * BigInt(FRAME_SAMPLES);
      pages = [
        buildPage(
          { flags: 0, granule, serial: this.serial, sequence: this.#sequence++ },
          [],
          new Uint8Array(0),
        ),
      ];
    } else return;
    if (eos) pages[pages.length - 1] = markEos(pages[pages.length - 1] as Uint8Array);
    const first = frames[0];
    const bytes = pages.length === 1 ? (pages[0] as Uint8Array) : concat(pages);
    this.safeEmit('page', {
      bytes,
      firstIndex: first?.index ?? next,
      frames: frames.length,
      mixedAt: first?.mixedAt ?? Date.now(),
      eos,
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('OggStream is closed');
  }
}

/** Sets the EOS flag on a built page and recomputes its CRC. */
function markEos(page: Uint8Array): Uint8Array {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const nsegs = page[26] ?? 0;
  return buildPage(
    {
      flags: (page[5] ?? 0) | PageFlag.eos,
      granule: view.getBigInt64(6, true),
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
    },
    [...page.subarray(27, 27 + nsegs)],
    page.subarray(27 + nsegs),
  );
}
