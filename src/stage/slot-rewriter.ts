/**
 * Keeps one forwarded slot's RTP stream continuous for the receiving browser. A slot carries
 * one speaker at a time, but who that is can change (and a speaker's own stream restarts
 * after a mute or a reconnect). The browser's jitter buffer expects one SSRC with seq +1 and
 * timestamps that advance with time, so on each source change the rewriter re-bases the
 * incoming seq/timestamp onto the slot's running counters.
 */

/** RTP clock rate of Opus, Hz */
const RTP_RATE = 48_000;

export class SlotRewriter {
  #source: string | null = null;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq: number;
  #lastTs: number;
  /** wall ms when the last packet went out; null before the first */
  #lastWall: number | null = null;

  constructor(random: () => number = Math.random) {
    this.#lastSeq = Math.floor(random() * 0x10000);
    this.#lastTs = Math.floor(random() * 0x1_0000_0000);
  }

  /** Forces a re-base on the next packet (e.g. after a mute, whose gap is not loss). */
  restart(): void {
    this.#source = null;
  }

  rewrite(source: string, seq: number, timestamp: number, nowMs: number): { seq: number; timestamp: number } {
    if (source !== this.#source) {
      const elapsedMs = this.#lastWall === null ? 0 : Math.max(20, nowMs - this.#lastWall);
      const nextSeq = (this.#lastSeq + 1) & 0xffff;
      const nextTs = (this.#lastTs + Math.round((elapsedMs * RTP_RATE) / 1000)) >>> 0;
      this.#seqOffset = (nextSeq - seq) & 0xffff;
      this.#tsOffset = (nextTs - timestamp) >>> 0;
      this.#source = source;
    }
    const out = { seq: (seq + this.#seqOffset) & 0xffff, timestamp: (timestamp + this.#tsOffset) >>> 0 };
    // remember the newest packet only (reordered older ones must not move the counters back)
    const ahead = (out.seq - this.#lastSeq) & 0xffff;
    if (this.#lastWall === null || (ahead > 0 && ahead < 0x8000)) {
      this.#lastSeq = out.seq;
      this.#lastTs = out.timestamp;
    }
    this.#lastWall = nowMs;
    return out;
  }
}
