/** Leases for tests that can be made unreachable (every call rejects while `cut`). */
import type { Leases } from '../../core/ports/leases.js';

export class CuttableLeases implements Leases {
  cut = false;
  constructor(private readonly inner: Leases) {}
  #check(): void {
    if (this.cut) throw new Error('leases unreachable (cut by the test)');
  }
  acquire(key: string, holder: string, ttlMs: number) {
    return Promise.resolve().then(() => (this.#check(), this.inner.acquire(key, holder, ttlMs)));
  }
  renew(key: string, holder: string, token: number, ttlMs: number) {
    return Promise.resolve().then(() => (this.#check(), this.inner.renew(key, holder, token, ttlMs)));
  }
  release(key: string, holder: string, token: number) {
    return Promise.resolve().then(() => (this.#check(), this.inner.release(key, holder, token)));
  }
  holder(key: string) {
    return Promise.resolve().then(() => (this.#check(), this.inner.holder(key)));
  }
  incrBy(key: string, n: number, ttlMs?: number) {
    return Promise.resolve().then(() => (this.#check(), this.inner.incrBy(key, n, ttlMs)));
  }
  get(key: string) {
    return Promise.resolve().then(() => (this.#check(), this.inner.get(key)));
  }
  setPart(key: string, part: string, value: number, ttlMs: number) {
    return Promise.resolve().then(() => (this.#check(), this.inner.setPart(key, part, value, ttlMs)));
  }
  removePart(key: string, part: string) {
    return Promise.resolve().then(() => (this.#check(), this.inner.removePart(key, part)));
  }
  sum(key: string) {
    return Promise.resolve().then(() => (this.#check(), this.inner.sum(key)));
  }
  close() {
    return this.inner.close();
  }
}
