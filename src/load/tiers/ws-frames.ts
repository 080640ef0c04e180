/**
 * A minimal WebSocket client reader for the listen socket, cheaper than a full client:
 * server frames are unmasked; audio batches are never copied or decoded (only the 14-byte
 * batch header is read, the rest of the frame is skipped as it streams by); text frames are
 * small and read whole. Fragmented messages are not produced by the server and are skipped.
 */
export const Opcode = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** what the reader reports; implemented by the WebSocket tier's listener */
export interface FrameSink {
  /** an audio batch header: kind, frame count, seq of the first frame, mixedAt of the first frame */
  batch(kind: number, frames: number, seq: number, mixedAt: number): void;
  text(payload: Buffer): void;
  closeFrame(code: number, reason: string): void;
  ping(payload: Buffer): void;
  /** the stream broke the protocol (masked server frame, absurd length) */
  protocolError(what: string): void;
}

/** bytes of the batch header we read (kind, count, seq, mixedAt) */
const BATCH_HEAD = 14;
/** largest text/control frame we buffer whole, bytes */
const MAX_WHOLE = 1 << 20;

export class FrameReader {
  /** bytes of the current binary frame still to skip */
  #skip = 0;
  /** an incomplete frame head or text frame carried to the next chunk */
  #carry: Buffer | null = null;

  constructor(private readonly sink: FrameSink) {}

  push(input: Buffer): void {
    let chunk = input;
    if (this.#skip > 0) {
      if (chunk.length <= this.#skip) {
        this.#skip -= chunk.length;
        return;
      }
      chunk = chunk.subarray(this.#skip);
      this.#skip = 0;
    }
    if (this.#carry) {
      chunk = Buffer.concat([this.#carry, chunk]);
      this.#carry = null;
    }
    const len = chunk.length;
    let o = 0;
    while (o < len) {
      if (len - o < 2) return this.#keep(chunk, o);
      const b0 = chunk[o]!;
      const b1 = chunk[o + 1]!;
      if (b1 & 0x80) return this.sink.protocolError('masked server frame');
      let plen = b1 & 0x7f;
      let hdr = 2;
      if (plen === 126) {
        if (len - o < 4) return this.#keep(chunk, o);
        plen = chunk.readUInt16BE(o + 2);
        hdr = 4;
      } else if (plen === 127) {
        if (len - o < 10) return this.#keep(chunk, o);
        plen = chunk.readUInt32BE(o + 2) * 2 ** 32 + chunk.readUInt32BE(o + 6);
        hdr = 10;
      }
      const opcode = b0 & 0x0f;
      const end = o + hdr + plen;
      if (opcode === Opcode.binary || opcode === Opcode.continuation) {
        if (opcode === Opcode.binary) {
          if (len - o < hdr + Math.min(BATCH_HEAD, plen)) return this.#keep(chunk, o);
          if (plen >= BATCH_HEAD) {
            const at = o + hdr;
            this.sink.batch(
              chunk[at]!,
              chunk[at + 1]!,
              chunk.readUInt32BE(at + 2),
              chunk.readDoubleBE(at + 6),
            );
          }
        }
        if (end > len) {
          this.#skip = end - len;
          return;
        }
        o = end;
        continue;
      }
      if (plen > MAX_WHOLE) return this.sink.protocolError('control or text frame too large');
      if (end > len) return this.#keep(chunk, o);
      const payload = chunk.subarray(o + hdr, end);
      if (opcode === Opcode.text) this.sink.text(payload);
      else if (opcode === Opcode.close) {
        const code = plen >= 2 ? payload.readUInt16BE(0) : 1005;
        this.sink.closeFrame(code, plen > 2 ? payload.subarray(2).toString('utf8') : '');
        return;
      } else if (opcode === Opcode.ping) this.sink.ping(payload);
      o = end;
    }
  }

  #keep(chunk: Buffer, from: number): void {
    this.#carry = Buffer.from(chunk.subarray(from));
  }
}

/** a masked client frame (mask key 0, which leaves the payload as is) */
export function clientFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > 125) throw new RangeError('client frames of the load tool are small');
  const head = Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]);
  return Buffer.concat([head, payload]);
}
