/**
 * Streaming readers for the Ogg tier: an HTTP/1.1 chunked-body decoder and an Ogg page reader
 * that looks only at page headers (27 bytes + segment table) and skips page bodies as they
 * stream by — nothing is copied or decoded.
 */

/** RFC 9112 §7.1 chunked transfer coding, streaming; calls `out` with body slices */
export class ChunkedDecoder {
  /** bytes of the current chunk still to pass on; -1 = reading a size line */
  #left = -1;
  /** CRLF bytes to drop after a chunk's data */
  #crlf = 0;
  #line = '';
  done = false;

  constructor(private readonly out: (body: Buffer) => void) {}

  push(chunk: Buffer): void {
    let o = 0;
    while (o < chunk.length && !this.done) {
      if (this.#crlf > 0) {
        const n = Math.min(this.#crlf, chunk.length - o);
        this.#crlf -= n;
        o += n;
      } else if (this.#left > 0) {
        const n = Math.min(this.#left, chunk.length - o);
        this.out(chunk.subarray(o, o + n));
        this.#left -= n;
        o += n;
        if (this.#left === 0) {
          this.#left = -1;
          this.#crlf = 2;
        }
      } else {
        const nl = chunk.indexOf(10, o);
        if (nl < 0) {
          this.#line += chunk.toString('latin1', o);
          if (this.#line.length > 100) throw new Error('chunk size line too long');
          return;
        }
        const line = (this.#line + chunk.toString('latin1', o, nl)).trim();
        this.#line = '';
        o = nl + 1;
        const size = parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isFinite(size)) throw new Error('bad chunk size');
        if (size === 0) this.done = true;
        else this.#left = size;
      }
    }
  }
}

export interface OggPageHead {
  /** granule position of the page (48 kHz samples at its end); -1 when none */
  granule: number;
  /** header flags: 2 = beginning of stream, 4 = end of stream */
  flags: number;
  /** completed packets on the page */
  packets: number;
  /** page sequence number */
  pageNo: number;
}

const BASE = 27;

export class OggPageReader {
  #head = Buffer.alloc(BASE + 255);
  #have = 0;
  #skip = 0;

  constructor(private readonly onPage: (page: OggPageHead) => void) {}

  push(input: Buffer): void {
    let o = 0;
    const len = input.length;
    while (o < len) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, len - o);
        this.#skip -= n;
        o += n;
        continue;
      }
      const need = this.#have < BASE ? BASE : BASE + this.#head[26]!;
      const n = Math.min(need - this.#have, len - o);
      input.copy(this.#head, this.#have, o, o + n);
      this.#have += n;
      o += n;
      if (this.#have < need) continue;
      if (this.#head.readUInt32BE(0) !== 0x4f676753) throw new Error('lost Ogg page sync');
      if (need === BASE && this.#head[26]! > 0) continue; // now read the segment table
      const segs = this.#head[26]!;
      let body = 0;
      let packets = 0;
      for (let i = 0; i < segs; i++) {
        const lace = this.#head[BASE + i]!;
        body += lace;
        if (lace < 255) packets++;
      }
      const lo = this.#head.readUInt32LE(6);
      const hi = this.#head.readInt32LE(10);
      this.onPage({
        granule: hi === -1 && lo === 0xffffffff ? -1 : hi * 2 ** 32 + lo,
        flags: this.#head[5]!,
        packets,
        pageNo: this.#head.readUInt32LE(18),
      });
      this.#have = 0;
      this.#skip = body;
    }
  }
}
