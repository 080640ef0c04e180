/**
 * ISO BMFF box writing (ISO/IEC 14496-12). A box is `size(u32) type(4cc) payload`; a full box
 * adds `version(u8) flags(u24)`. Everything is big-endian. Boxes are built bottom-up from
 * byte arrays, which keeps each builder a plain function that is easy to test by parsing back.
 */
export type Bytes = Uint8Array;

/** A growable big-endian writer for box payloads. */
export class Writer {
  #buf = new Uint8Array(64);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  #grow(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.#grow(1);
    this.#view.setUint8(this.#len, v);
    this.#len += 1;
    return this;
  }
  u16(v: number): this {
    this.#grow(2);
    this.#view.setUint16(this.#len, v);
    this.#len += 2;
    return this;
  }
  i16(v: number): this {
    this.#grow(2);
    this.#view.setInt16(this.#len, v);
    this.#len += 2;
    return this;
  }
  u32(v: number): this {
    this.#grow(4);
    this.#view.setUint32(this.#len, v >>> 0);
    this.#len += 4;
    return this;
  }
  i32(v: number): this {
    this.#grow(4);
    this.#view.setInt32(this.#len, v);
    this.#len += 4;
    return this;
  }
  u64(v: bigint | number): this {
    this.#grow(8);
    this.#view.setBigUint64(this.#len, BigInt(v));
    this.#len += 8;
    return this;
  }
  /** a four-character code or any ASCII text */
  ascii(s: string): this {
    for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i) & 0xff);
    return this;
  }
  zeros(n: number): this {
    this.#grow(n);
    this.#buf.fill(0, this.#len, this.#len + n);
    this.#len += n;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.#grow(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }
  done(): Bytes {
    return this.#buf.slice(0, this.#len);
  }
}

export function box(type: string, ...payload: Bytes[]): Bytes {
  if (type.length !== 4) throw new RangeError(`box type must be 4 characters: ${type}`);
  let size = 8;
  for (const p of payload) size += p.length;
  const w = new Writer().u32(size).ascii(type);
  for (const p of payload) w.bytes(p);
  return w.done();
}

export function fullBox(type: string, version: number, flags: number, ...payload: Bytes[]): Bytes {
  const head = new Writer()
    .u8(version)
    .u8((flags >>> 16) & 0xff)
    .u16(flags & 0xffff)
    .done();
  return box(type, head, ...payload);
}

/** unity transformation matrix used by mvhd and tkhd */
export function unityMatrix(w: Writer): Writer {
  return w.u32(0x00010000).u32(0).u32(0).u32(0).u32(0x00010000).u32(0).u32(0).u32(0).u32(0x40000000);
}
