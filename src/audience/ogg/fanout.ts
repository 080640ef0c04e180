/**
 * Fan-out of one OggStream to many HTTP listeners ("Icecast-style"). A page's bytes are shared:
 * one `write()` of the same Uint8Array per listener, no copy, no per-listener framing.
 *
 * Slow-consumer rule (same as the WebSocket tier): a listener whose socket already holds more
 * than `maxBufferedBytes` unsent skips pages (the Ogg decoder sees a page-number gap and
 * conceals); once it has skipped more than `maxSkippedFrames` in a row it is ended. Memory
 * per listener is therefore bounded by maxBufferedBytes + one page.
 */
import type { OggPage, OggStream } from './ogg-stream.js';

/** The part of a Node Writable (e.g. http.ServerResponse) the fan-out uses. */
export interface PageSink {
  write(chunk: Uint8Array): boolean;
  end(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

export interface OggFanoutOptions {
  /** unsent bytes above which pages are skipped for that listener; default 64 KiB (~16 s) */
  maxBufferedBytes?: number;
  /** consecutive skipped frames before the listener is ended; default 250 (5 s) */
  maxSkippedFrames?: number;
}

/** Content-Type and caching for an Ogg listener response: a live body, never cached. */
export const OGG_RESPONSE_HEADERS = {
  'content-type': 'audio/ogg',
  'cache-control': 'no-cache, no-store',
  'x-content-type-options': 'nosniff',
} as const;

interface Listener {
  sink: PageSink;
  skipped: number;
}

export class OggFanout {
  readonly #stream: OggStream;
  readonly #maxBuffered: number;
  readonly #maxSkipped: number;
  readonly #listeners = new Set<Listener>();
  readonly #off: () => void;
  #closed = false;
  /** pages skipped for slow listeners since start (a counter for metrics) */
  skippedPages = 0;
  /** listeners ended for being too slow since start */
  droppedListeners = 0;

  constructor(stream: OggStream, opts: OggFanoutOptions = {}) {
    this.#stream = stream;
    this.#maxBuffered = opts.maxBufferedBytes ?? 64 * 1024;
    this.#maxSkipped = opts.maxSkippedFrames ?? 250;
    this.#off = stream.on('page', (page) => this.#onPage(page));
  }

  get size(): number {
    return this.#listeners.size;
  }

  /**
   * Starts a listener: writes the header pages now, then every following page. The caller has
   * already authorised the request and sent the response head (OGG_RESPONSE_HEADERS).
   * Returns a detach function; the listener is also detached when the sink closes.
   */
  attach(sink: PageSink): () => void {
    if (this.#closed) throw new Error('OggFanout is closed');
    const listener: Listener = { sink, skipped: 0 };
    this.#listeners.add(listener);
    const detach = (): void => {
      this.#listeners.delete(listener);
    };
    sink.once('close', detach);
    sink.write(this.#stream.headerPages());
    if (this.#stream.ended) this.#end(listener);
    return detach;
  }

  /** Ends every listener's response and stops listening to the stream; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#off();
    for (const l of [...this.#listeners]) this.#end(l);
  }

  #onPage(page: OggPage): void {
    // one Buffer view per page: a Uint8Array would be wrapped in a new Buffer on every write
    const bytes = Buffer.from(page.bytes.buffer, page.bytes.byteOffset, page.bytes.byteLength);
    // deleting the current entry of a Set while iterating it is safe; no copy of N listeners
    for (const l of this.#listeners) {
      if (l.sink.destroyed) {
        this.#listeners.delete(l);
        continue;
      }
      if (l.sink.writableLength > this.#maxBuffered) {
        l.skipped += page.frames;
        this.skippedPages++;
        if (l.skipped > this.#maxSkipped) {
          this.droppedListeners++;
          this.#end(l);
        }
        continue;
      }
      l.skipped = 0;
      l.sink.write(bytes);
      if (page.eos) this.#end(l);
    }
  }

  #end(l: Listener): void {
    this.#listeners.delete(l);
    if (!l.sink.destroyed) l.sink.end();
  }
}
