/**
 * CaptionEngine port: speech to text, offline, one stream per speaker.
 *
 *   engine.open() ─▶ CaptionStream ── write(16 kHz PCM) ...  ─▶ 'partial' / 'final' events
 *                                  └─ close(): flushes the last final, then 'closed'
 *
 * Times are stream time: ms of audio written to this stream before the word (sample count /
 * 16). The caller maps them to the Space's timeline, because it knows when each chunk was
 * mixed and which chunks it dropped. An engine never blocks its caller: `write` returns
 * false when the engine is behind (its input buffer is full) and emits 'drain' when it can
 * take more; the caller decides what to drop (src/captions/speaker-captions.ts drops
 * captions, never audio). The conformance suite is captions.conformance.ts.
 */
import type { TypedEmitter } from '../events.js';

/** the only sample rate the port takes: mono, signed 16-bit, native endianness */
export const CAPTION_SAMPLE_RATE = 16_000;

export interface CaptionText {
  /** recognised words, lower case, single spaces, no filler tokens */
  text: string;
  /** stream ms where the first word starts */
  startMs: number;
  /** stream ms where the last word ends */
  endMs: number;
}

export type CaptionStreamEvents = {
  /** the engine's current guess for the utterance in progress (engines may never emit it) */
  partial: [CaptionText];
  /** a finished utterance: it will not change any more */
  final: [CaptionText];
  /** the engine can take input again after `write` returned false */
  drain: [];
  /** the engine failed (process died, model missing); the stream is closed after it */
  error: [Error];
  /** emitted once, after the last 'final' */
  closed: [];
};

export interface CaptionStream {
  readonly events: TypedEmitter<CaptionStreamEvents>;
  /**
   * Appends 16 kHz mono PCM. Returns false when the engine is behind: the samples were taken,
   * but the caller should hold further input until 'drain'. Throws once the stream is closed.
   */
  write(pcm: Int16Array): boolean;
  /** Ends the input, waits for the last final (at most `flushMs`), then stops. Idempotent. */
  close(): Promise<void>;
}

export interface CaptionEngine {
  /** short name for logs and metrics, e.g. "pocketsphinx" */
  readonly name: string;
  /** whether streams emit 'partial' before each 'final' */
  readonly partials: boolean;
  /** A new recognition stream (one per speaker). Throws when the engine cannot start. */
  open(): CaptionStream;
}
