/**
 * Typed event emitter. `safeEmit` contains a listener's exception so one broken listener
 * cannot break the emitter's caller; the error is reported to `onListenerError`.
 */
export type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;
/** listeners as stored: the map loses the per-event type, `on`/`safeEmit` restore it */
type StoredListener = (...args: unknown[]) => void;

export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<StoredListener>>();
  onListenerError: (error: unknown, event: keyof E) => void = () => {};

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as unknown as StoredListener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as unknown as StoredListener);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener; a throwing listener is reported and the others still run. */
  safeEmit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (error) {
        try {
          this.onListenerError(error, event);
        } catch {
          // the error reporter itself failed; nothing more to do
        }
      }
    }
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
