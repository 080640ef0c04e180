/**
 * Concurrent connections per client address (docs/security.md). One client cannot hold more
 * than `max` at once, so a single address cannot use up the process's file descriptors
 * (20,000 here) and lock everyone else out.
 *
 * Two counters use it: the TCP one in ../http/app.ts counts every connection by its peer
 * (trusted proxies exempt: they carry everyone), and the stream one counts long-lived
 * listeners (WebSocket, Ogg) and held LL-HLS requests by the client address resolved through
 * X-Forwarded-For, which is what matters behind a proxy.
 */
export class AddressCaps {
  readonly #open = new Map<string, number>();
  /** refusals since start (a counter for operators) */
  refused = 0;

  /**
   * @param max connections per address; 0 = no cap
   * @param exempt addresses never counted (trusted proxies; loopback when no proxy is trusted)
   */
  constructor(
    readonly max: number,
    private readonly exempt: (address: string) => boolean,
  ) {}

  /** a release function (idempotent), or null when `address` already holds `max` */
  acquire(address: string): (() => void) | null {
    if (this.max === 0 || this.exempt(address)) return NOOP;
    const n = this.#open.get(address) ?? 0;
    if (n >= this.max) {
      this.refused++;
      return null;
    }
    this.#open.set(address, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left <= 0) this.#open.delete(address);
      else this.#open.set(address, left);
    };
  }

  /** connections `address` holds now */
  count(address: string): number {
    return this.#open.get(address) ?? 0;
  }
}

const NOOP = (): void => undefined;
