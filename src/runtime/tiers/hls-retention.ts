/**
 * Per-Space registry of HTTP tier streams with bounded retention. A live stream stays while
 * its Space is loaded here; an ENDED stream stays readable for `retainMs` after the end (so
 * players reloading the playlist see EXT-X-ENDLIST and can fetch the last parts), then it is
 * closed and forgotten. Memory is bounded by (Spaces live + Spaces ended in the last
 * retainMs) x one stream window.
 */
export interface Retained {
  readonly ended: boolean;
  close(): void;
}

export class RetentionRegistry<T extends Retained> {
  readonly #entries = new Map<string, { value: T; timer: NodeJS.Timeout | null }>();
  #closed = false;

  /** @param retainMs ms an ended stream stays readable */
  constructor(readonly retainMs: number) {}

  get size(): number {
    return this.#entries.size;
  }

  *values(): IterableIterator<T> {
    for (const entry of this.#entries.values()) yield entry.value;
  }

  get(key: string): T | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Registers a live stream; a previous one under the key is closed first. */
  set(key: string, value: T): void {
    if (this.#closed) throw new Error('RetentionRegistry is closed');
    this.delete(key);
    this.#entries.set(key, { value, timer: null });
  }

  /** The stream has ended: keep it `retainMs`, then close and forget it (if still the same). */
  expireLater(key: string, value: T): void {
    const entry = this.#entries.get(key);
    if (!entry || entry.value !== value || entry.timer) return;
    entry.timer = setTimeout(() => {
      if (this.#entries.get(key) === entry) this.delete(key);
    }, this.retainMs);
    entry.timer.unref();
  }

  /** Closes and forgets the stream under key, if it is `value` (or any, without value). */
  delete(key: string, value?: T): void {
    const entry = this.#entries.get(key);
    if (!entry || (value !== undefined && entry.value !== value)) return;
    this.#entries.delete(key);
    if (entry.timer) clearTimeout(entry.timer);
    entry.value.close();
  }

  /** Closes every stream; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const key of [...this.#entries.keys()]) this.delete(key);
  }
}
