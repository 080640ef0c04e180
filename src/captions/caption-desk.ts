/**
 * One Space's captions: a SpeakerCaptions (engine stream + bounded queue) per speaker the mixer
 * taps, opened when their audio first arrives and closed (last utterance flushed) when it stops
 * arriving. A failed engine stream is reopened on that speaker's next audio, at most once per
 * `restartMs`, so a crashing engine costs a few logs, not a loop.
 *
 *   mixer 'speech' (every ~200 ms, all speakers) ─▶ push() ─▶ SpeakerCaptions per speaker
 *                                                              └─▶ 'caption' {speakerId, text, times}
 *
 * Runs on the main thread; the engines run wherever they run (pocketsphinx: child processes).
 * Lifecycle: close() closes every speaker's stream (idempotent); push after close is ignored.
 */
import { TypedEmitter } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { CaptionEngine } from '../core/ports/captions.js';
import { SpeakerCaptions, type TimedCaption } from './speaker-captions.js';

export interface SpeakerCaption extends TimedCaption {
  speakerId: string;
}

export interface CaptionDeskOptions {
  engine: CaptionEngine;
  log: Logger;
  /** ms of a speaker's audio held while their engine is behind (default 2000), then dropped */
  queueMs?: number;
  /** least ms between two starts of one speaker's engine stream after a failure (default 5000) */
  restartMs?: number;
  now?: () => number;
}

export type CaptionDeskEvents = { caption: [SpeakerCaption] };

export interface CaptionDeskStats {
  /** speakers with an engine stream open */
  speakers: number;
  /** ms of caption audio dropped because an engine was behind (all speakers, since start) */
  droppedMs: number;
  /** engine streams that failed */
  failures: number;
}

export class CaptionDesk {
  readonly events = new TypedEmitter<CaptionDeskEvents>();
  readonly #speakers = new Map<string, SpeakerCaptions>();
  /** ms epoch of each speaker's last failure, for the restart back-off */
  readonly #failedAt = new Map<string, number>();
  readonly #queueMs: number;
  readonly #restartMs: number;
  readonly #now: () => number;
  #droppedMs = 0;
  #failures = 0;
  #closed = false;

  constructor(private readonly o: CaptionDeskOptions) {
    this.#queueMs = o.queueMs ?? 2000;
    this.#restartMs = o.restartMs ?? 5000;
    this.#now = o.now ?? Date.now;
  }

  stats(): CaptionDeskStats {
    let dropped = this.#droppedMs;
    for (const s of this.#speakers.values()) dropped += s.droppedMs;
    return { speakers: this.#speakers.size, droppedMs: dropped, failures: this.#failures };
  }

  /** One tap report: each speaker's 16 kHz audio, every chunk ending at `endsAt` (ms epoch). */
  push(endsAt: number, chunks: readonly { id: string; pcm: Int16Array }[]): void {
    if (this.#closed) return;
    const present = new Set<string>();
    for (const { id, pcm } of chunks) {
      present.add(id);
      const speaker = this.#speakers.get(id) ?? this.#open(id);
      speaker?.push(endsAt - (pcm.length * 1000) / 16_000, pcm);
    }
    for (const id of [...this.#speakers.keys()]) if (!present.has(id)) this.#retire(id);
  }

  #open(id: string): SpeakerCaptions | null {
    const failed = this.#failedAt.get(id);
    if (failed !== undefined && this.#now() - failed < this.#restartMs) return null;
    let speaker: SpeakerCaptions;
    try {
      speaker = new SpeakerCaptions(this.o.engine.open(), this.#queueMs);
    } catch (err) {
      this.#fail(id, err);
      return null;
    }
    speaker.events.on('caption', (c) => this.events.safeEmit('caption', { speakerId: id, ...c }));
    speaker.events.on('failed', (err) => {
      if (this.#speakers.get(id) === speaker) this.#speakers.delete(id);
      this.#droppedMs += speaker.droppedMs;
      this.#fail(id, err);
    });
    this.#speakers.set(id, speaker);
    return speaker;
  }

  #fail(id: string, err: unknown): void {
    this.#failures++;
    this.#failedAt.set(id, this.#now());
    this.o.log.warn({ err, speakerId: id, engine: this.o.engine.name }, 'a caption engine stream failed');
  }

  /** the speaker's audio stopped (left the stage): flush and close their stream */
  #retire(id: string): void {
    const speaker = this.#speakers.get(id);
    if (!speaker) return;
    this.#speakers.delete(id);
    this.#droppedMs += speaker.droppedMs;
    speaker
      .close()
      .catch((err: unknown) => this.o.log.warn({ err, speakerId: id }, 'closing captions failed'));
  }

  /** Closes every speaker's stream, each flushing its last utterance first. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#speakers.values()];
    this.#speakers.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
