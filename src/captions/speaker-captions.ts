/**
 * Captions of one speaker: their 16 kHz audio into one engine stream, through a bounded queue,
 * and the engine's stream times mapped back to the Space's clock.
 *
 *   push(at, pcm) ─▶ queue (at most `queueMs`) ─▶ stream.write ─▶ engine ─▶ final {stream ms}
 *                     full: the oldest audio is dropped        anchors ─▶ {startAt, endAt} ms epoch
 *
 * The queue only holds copies the mixer made for captions: when the engine falls behind, what
 * is dropped is caption audio, never the mix or anyone's stream. Each chunk written records an
 * anchor (stream ms at which it starts, the Space's ms epoch when it was mixed), so a dropped
 * stretch shifts no later caption. Lifecycle: the engine stream opens on construction; close()
 * flushes the last utterance and is idempotent; an engine error ends it ('failed').
 */
import { TypedEmitter } from '../core/events.js';
import { CAPTION_SAMPLE_RATE, type CaptionStream, type CaptionText } from '../core/ports/captions.js';

/** a caption in the Space's time */
export interface TimedCaption {
  text: string;
  /** ms since epoch: when the first word was spoken (mixed) */
  startAt: number;
  /** ms since epoch: when the last word ended */
  endAt: number;
  final: boolean;
}

export type SpeakerCaptionsEvents = {
  caption: [TimedCaption];
  /** the engine stream failed; nothing more comes from this object */
  failed: [Error];
};

interface Anchor {
  /** stream ms where a written chunk starts */
  streamMs: number;
  /** ms since epoch when that chunk's first sample was mixed */
  at: number;
}

const msOf = (samples: number) => (samples * 1000) / CAPTION_SAMPLE_RATE;

export class SpeakerCaptions {
  readonly events = new TypedEmitter<SpeakerCaptionsEvents>();
  readonly #queue: { at: number; pcm: Int16Array }[] = [];
  #queuedMs = 0;
  /** ms of audio written to the stream so far (= stream time of the next sample) */
  #writtenMs = 0;
  #anchors: Anchor[] = [];
  #blocked = false;
  #closed = false;
  /** ms of audio dropped because the engine was behind */
  droppedMs = 0;

  constructor(
    private readonly stream: CaptionStream,
    /** ms of audio the queue holds while the engine is behind, before it drops the oldest */
    private readonly queueMs: number,
  ) {
    stream.events.on('final', (c) => this.#emit(c, true));
    stream.events.on('partial', (c) => this.#emit(c, false));
    stream.events.on('drain', () => {
      this.#blocked = false;
      this.#pump();
    });
    stream.events.on('error', (e) => {
      this.#closed = true;
      this.events.safeEmit('failed', e);
    });
  }

  /** ms of audio waiting for the engine */
  get queuedMs(): number {
    return this.#queuedMs;
  }

  /** 16 kHz audio of this speaker whose first sample was mixed at `at` (ms epoch) */
  push(at: number, pcm: Int16Array): void {
    if (this.#closed) return;
    this.#queue.push({ at, pcm });
    this.#queuedMs += msOf(pcm.length);
    while (this.#queuedMs > this.queueMs && this.#queue.length > 1) {
      const old = this.#queue.shift();
      if (!old) break;
      const ms = msOf(old.pcm.length);
      this.#queuedMs -= ms;
      this.droppedMs += ms;
    }
    this.#pump();
  }

  #pump(): void {
    while (!this.#blocked && !this.#closed && this.#queue.length > 0) {
      const next = this.#queue.shift();
      if (!next) break;
      this.#queuedMs -= msOf(next.pcm.length);
      this.#anchors.push({ streamMs: this.#writtenMs, at: next.at });
      this.#writtenMs += msOf(next.pcm.length);
      this.#blocked = !this.stream.write(next.pcm);
    }
  }

  /** the Space's ms epoch of stream time `ms` */
  #wallOf(ms: number): number {
    let anchor = this.#anchors[0];
    for (const a of this.#anchors) {
      if (a.streamMs > ms) break;
      anchor = a;
    }
    return anchor ? Math.round(anchor.at + (ms - anchor.streamMs)) : 0;
  }

  #emit(c: CaptionText, final: boolean): void {
    this.events.safeEmit('caption', {
      text: c.text,
      startAt: this.#wallOf(c.startMs),
      endAt: this.#wallOf(c.endMs),
      final,
    });
    // anchors before a final's start are never needed again (later captions start later)
    if (final)
      this.#anchors = this.#anchors.filter((a, i, all) => (all[i + 1]?.streamMs ?? Infinity) > c.endMs);
  }

  /** Ends the audio; resolves when the engine has given its last caption. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    this.#queuedMs = 0;
    await this.stream.close();
  }
}
