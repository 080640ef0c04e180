/**
 * A buffered append-only file on one open fd. `append()` only queues bytes in memory; a timer
 * writes the queue in one write(2) every `flushMs` and starts an fdatasync(2) on the thread
 * pool every `syncMs` (never two at once). So the recorder costs no syscall per frame.
 *
 * What a failure can lose: a process crash loses the queue (< flushMs of data); a power loss
 * loses what was written but not yet synced (< syncMs + flushMs). Nothing already synced is
 * lost, and a torn tail is detected and cut by repair (format.ts, repair.ts).
 *
 * A failed write (disk full) drops that batch, cuts the file back to its last whole batch and
 * reports the error; later batches are written normally.
 *
 * Lifecycle: open -> append()* -> finish() (write, fdatasync, close; idempotent). append()
 * after finish() throws.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { PRIVATE_FILE } from './files.js';

export interface AppendFileOptions {
  /** ms between writes of the queue; default 200 */
  flushMs?: number;
  /** ms between fdatasyncs; default 1000 */
  syncMs?: number;
  /** called on a write or sync error (the file stays open; later writes are tried again) */
  onError?: (err: unknown) => void;
}

export class AppendFile {
  readonly #fd: number;
  readonly #timer: NodeJS.Timeout;
  readonly #syncEvery: number;
  readonly #onError: (err: unknown) => void;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #flushes = 0;
  #syncing = false;
  #closeAfterSync = false;
  #dirty = false;
  #finished = false;
  /** bytes handed to write(2) so far */
  written = 0;
  /** file size after the last complete write: a failed write is cut back to it */
  #size: number;

  constructor(
    readonly path: string,
    opts: AppendFileOptions = {},
  ) {
    const flushMs = opts.flushMs ?? 200;
    this.#syncEvery = Math.max(1, Math.round((opts.syncMs ?? 1000) / flushMs));
    this.#onError = opts.onError ?? (() => {});
    this.#fd = openSync(path, 'a', PRIVATE_FILE);
    this.#size = fstatSync(this.#fd).size;
    this.#timer = setInterval(() => this.#tick(), flushMs);
    this.#timer.unref();
  }

  get finished(): boolean {
    return this.#finished;
  }

  append(bytes: Uint8Array): void {
    if (this.#finished) throw new Error(`AppendFile ${this.path} is finished`);
    this.#queue.push(bytes);
    this.#queued += bytes.length;
  }

  /** Writes the queue now (one write(2)); no sync. */
  flush(): void {
    if (this.#queued === 0) return;
    const out = Buffer.allocUnsafe(this.#queued);
    let at = 0;
    for (const chunk of this.#queue) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.#queue = [];
    this.#queued = 0;
    let off = 0;
    try {
      while (off < out.length) off += writeSync(this.#fd, out, off, out.length - off);
    } catch (err) {
      // e.g. ENOSPC after a partial write: cut the partial batch so that later batches do
      // not follow a torn record (the replay shows the lost batch as a gap)
      try {
        ftruncateSync(this.#fd, this.#size);
      } catch {
        // the file keeps a torn record; the scan stops there
      }
      throw err;
    }
    this.#size += out.length;
    this.written += out.length;
    this.#dirty = true;
  }

  /** Writes and syncs everything, then closes the fd. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#timer);
    try {
      this.flush();
      fdatasyncSync(this.#fd);
    } finally {
      // an fdatasync still running on the thread pool closes the fd when it is done
      if (this.#syncing) this.#closeAfterSync = true;
      else closeSync(this.#fd);
    }
  }

  #tick(): void {
    try {
      this.flush();
    } catch (err) {
      this.#onError(err);
      return;
    }
    if (++this.#flushes % this.#syncEvery !== 0 || this.#syncing || !this.#dirty) return;
    this.#syncing = true;
    this.#dirty = false;
    fdatasync(this.#fd, (err) => {
      this.#syncing = false;
      if (err) this.#onError(err);
      if (this.#closeAfterSync) closeSync(this.#fd);
    });
  }
}
