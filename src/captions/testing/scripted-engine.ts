/**
 * A CaptionEngine for unit tests of what sits above the port: it recognises nothing, counts
 * the samples written, and lets the test say what it "heard", block its input and fail.
 */
import { TypedEmitter } from '../../core/events.js';
import type { CaptionEngine, CaptionStream, CaptionStreamEvents } from '../../core/ports/captions.js';

export class ScriptedStream implements CaptionStream {
  readonly events = new TypedEmitter<CaptionStreamEvents>();
  samples = 0;
  /** while true, write() answers false (the engine is behind) */
  full = false;
  closed = false;

  write(pcm: Int16Array): boolean {
    if (this.closed) throw new Error('CaptionStream is closed');
    this.samples += pcm.length;
    return !this.full;
  }

  /** a final at stream ms `startMs`..`endMs` */
  hear(text: string, startMs: number, endMs: number): void {
    this.events.safeEmit('final', { text, startMs, endMs });
  }

  drain(): void {
    this.full = false;
    this.events.safeEmit('drain');
  }

  fail(): void {
    this.closed = true;
    this.events.safeEmit('error', new Error('scripted failure'));
    this.events.safeEmit('closed');
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.events.safeEmit('closed');
    }
    return Promise.resolve();
  }
}

export class ScriptedEngine implements CaptionEngine {
  readonly name = 'scripted';
  readonly partials = false;
  readonly streams: ScriptedStream[] = [];

  open(): CaptionStream {
    const s = new ScriptedStream();
    this.streams.push(s);
    return s;
  }
}
