/**
 * A Space's live captions as the runtime uses them: the host's switch, the CaptionDesk while
 * on, and batching. Finals are collected for `windowMs` and handed over as ONE batch (the
 * runtime sends it as one bulletin framed once for every listener), so the message rate is at
 * most 1000 / windowMs per Space whatever the number of speakers, words or listeners.
 *
 *   switch on ─▶ CaptionDesk ─ final ─▶ pending ── every windowMs, if any ──▶ onBatch(captions)
 *   switch off ─▶ desk closed (last utterances flushed into the next batch)
 *
 * Lifecycle: off until on(true); close() flushes what is pending and is idempotent.
 */
import type { Caption } from '../protocol/captions.js';
import type { UserId } from '../protocol/ids.js';
import type { Logger } from '../core/log.js';
import type { CaptionEngine } from '../core/ports/captions.js';
import { CaptionDesk, type CaptionDeskStats } from './caption-desk.js';

export interface LiveCaptionsOptions {
  engine: CaptionEngine;
  log: Logger;
  /** ms a caption waits to share a bulletin with others (default 500) */
  windowMs?: number;
  /** one batch of finals, in the order they were recognised */
  onBatch: (captions: Caption[]) => void;
}

export class LiveCaptions {
  #desk: CaptionDesk | null = null;
  #pending: Caption[] = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** stats of desks already closed, so counters never go backwards */
  #retired = { droppedMs: 0, failures: 0 };

  constructor(private readonly o: LiveCaptionsOptions) {}

  get on(): boolean {
    return this.#desk !== null;
  }

  stats(): CaptionDeskStats {
    const s = this.#desk?.stats() ?? { speakers: 0, droppedMs: 0, failures: 0 };
    return {
      speakers: s.speakers,
      droppedMs: s.droppedMs + this.#retired.droppedMs,
      failures: s.failures + this.#retired.failures,
    };
  }

  /** the host's switch */
  switch(on: boolean): void {
    if (this.#closed || on === this.on) return;
    if (on) {
      const desk = new CaptionDesk({ engine: this.o.engine, log: this.o.log });
      desk.events.on('caption', (c) => {
        if (!c.final) return;
        this.#pending.push({ ...c, speakerId: c.speakerId as UserId });
        this.#timer ??= setTimeout(() => this.#flush(), this.o.windowMs ?? 500);
      });
      this.#desk = desk;
    } else {
      void this.#retire();
    }
  }

  /** the mixer's speech tap report */
  push(endsAt: number, chunks: readonly { id: string; pcm: Int16Array }[]): void {
    this.#desk?.push(endsAt, chunks);
  }

  async #retire(): Promise<void> {
    const desk = this.#desk;
    this.#desk = null;
    if (!desk) return;
    await desk.close(); // its last finals still land in #pending
    const s = desk.stats();
    this.#retired.droppedMs += s.droppedMs;
    this.#retired.failures += s.failures;
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.o.onBatch(batch);
    } catch (err) {
      this.o.log.error({ err }, 'sending captions failed');
    }
  }

  /** Stops recognition; the last utterances and anything pending go out as a last batch. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#retire();
    this.#flush();
  }
}
