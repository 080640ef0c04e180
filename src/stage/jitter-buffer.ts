/**
 * Per-speaker jitter buffer for Opus RTP payloads, keyed on the 16-bit RTP sequence number
 * (unwrapped to a monotonic 'extended' seq). The mixer pulls one packet per 20 ms tick.
 *
 * Lifecycle: idle -> (first packet) buffering -> (depth reached or target delay elapsed)
 * playing -> (nothing received for `idleAfterTicks`) idle again. While idle, missing
 * packets are not counted as lost: the speaker is simply not sending (DTX, paused, gone).
 */

export interface JitterStats {
  /** packets accepted into the buffer */
  received: number;
  /** packets the playout expected but never got in time */
  lost: number;
  /** packets that arrived after their playout slot (dropped) */
  late: number;
  /** duplicates dropped */
  duplicates: number;
  /** packets dropped to bring a grown buffer back to the target delay */
  trimmed: number;
  /** ticks the buffer was empty while playing (filled with silence, playout held back) */
  underruns: number;
}

export interface JitterOptions {
  /** packets to hold before playout starts (x 20 ms = added delay) */
  targetDepth?: number;
  /** above this depth the oldest packets are dropped to cap latency */
  maxDepth?: number;
  /** consecutive empty pulls after which the buffer goes idle */
  idleAfterTicks?: number;
  /** pulls per latency check: if the buffer never drained below target + 1 over a window,
   * the excess is dropped so a burst (or a stalled mixer) does not leave the delay high */
  trimWindow?: number;
}

export type Pull = { kind: 'packet'; payload: Uint8Array } | { kind: 'lost' } | { kind: 'idle' };

export class JitterBuffer {
  readonly #packets = new Map<number, Uint8Array>();
  readonly #targetDepth: number;
  readonly #maxDepth: number;
  readonly #idleAfterTicks: number;
  readonly #trimWindow: number;
  /** smallest depth seen at a pull in the current window, and pulls so far */
  #minDepth = Infinity;
  #windowPulls = 0;
  /** last extended seq seen, for unwrapping; null before the first packet */
  #lastExt: number | null = null;
  /** next extended seq to play; null while idle/buffering */
  #next: number | null = null;
  #emptyPulls = 0;
  readonly stats: JitterStats = { received: 0, lost: 0, late: 0, duplicates: 0, trimmed: 0, underruns: 0 };

  constructor(options: JitterOptions = {}) {
    this.#targetDepth = options.targetDepth ?? 2;
    this.#maxDepth = options.maxDepth ?? 10;
    this.#idleAfterTicks = options.idleAfterTicks ?? 10;
    this.#trimWindow = options.trimWindow ?? 25;
  }

  get depth(): number {
    return this.#packets.size;
  }

  get playing(): boolean {
    return this.#next !== null;
  }

  /** Unwraps a 16-bit seq to the extended seq closest to the last one seen. */
  #extend(seq: number): number {
    if (this.#lastExt === null) return seq;
    const last = this.#lastExt;
    let delta = (seq - (last & 0xffff)) & 0xffff;
    if (delta >= 0x8000) delta -= 0x10000;
    return last + delta;
  }

  push(seq: number, payload: Uint8Array): void {
    const ext = this.#extend(seq & 0xffff);
    if (this.#next !== null && ext < this.#next) {
      this.stats.late++;
      return;
    }
    if (this.#packets.has(ext)) {
      this.stats.duplicates++;
      return;
    }
    if (this.#lastExt === null || ext > this.#lastExt) this.#lastExt = ext;
    this.#packets.set(ext, payload);
    this.stats.received++;
    // cap latency: drop the oldest packets beyond maxDepth (counted as late)
    while (this.#packets.size > this.#maxDepth) {
      const oldest = Math.min(...this.#packets.keys());
      this.#packets.delete(oldest);
      this.stats.late++;
      if (this.#next !== null) this.#next = oldest + 1;
    }
  }

  /** Called once per tick by the mixer. */
  pull(): Pull {
    if (this.#next === null) {
      if (this.#packets.size < this.#targetDepth) return { kind: 'idle' };
      this.#next = Math.min(...this.#packets.keys());
    }
    this.#trim();
    const payload = this.#packets.get(this.#next);
    if (payload) {
      this.#packets.delete(this.#next);
      this.#next++;
      this.#emptyPulls = 0;
      return { kind: 'packet', payload };
    }
    if (this.#packets.size === 0) {
      // underrun: nothing to play yet. Do not skip ahead: the packets are probably late
      // (a bursty sender), and playing them when they come adds delay that trimming removes
      // later, where skipping would throw every one of them away as 'late'.
      this.#emptyPulls++;
      this.stats.underruns++;
      if (this.#emptyPulls >= this.#idleAfterTicks) {
        // the speaker stopped sending: go idle and restart from the next packet that comes
        this.#next = null;
        this.#emptyPulls = 0;
        return { kind: 'idle' };
      }
      return { kind: 'lost' };
    }
    // a gap with later packets present: that packet is lost
    this.#next++;
    this.stats.lost++;
    return { kind: 'lost' };
  }

  /** Latency control, once per pull while playing. */
  #trim(): void {
    if (this.#next === null) return;
    this.#minDepth = Math.min(this.#minDepth, this.#packets.size);
    if (++this.#windowPulls < this.#trimWindow) return;
    const excess = this.#minDepth - this.#targetDepth;
    this.#minDepth = Infinity;
    this.#windowPulls = 0;
    if (excess <= 1) return;
    for (let i = 0; i < excess; i++) {
      const oldest = Math.min(...this.#packets.keys());
      this.#packets.delete(oldest);
      this.stats.trimmed++;
      this.#next = oldest + 1;
    }
  }

  reset(): void {
    this.#packets.clear();
    this.#next = null;
    this.#emptyPulls = 0;
    this.#minDepth = Infinity;
    this.#windowPulls = 0;
  }
}
