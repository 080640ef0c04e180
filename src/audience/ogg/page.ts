/**
 * Ogg page framing (RFC 3533). A page is a 27-byte header, a lacing table of up to 255
 * segment sizes and the segment bytes. Packets are cut into 255-byte segments; a packet whose
 * length is a multiple of 255 ends with a 0-length segment. A packet that does not fit in the
 * 255 lacing values of one page continues on the next page (header flag 0x01).
 */
import { oggCrc32 } from './crc.js';

export const PageFlag = { continued: 0x01, bos: 0x02, eos: 0x04 } as const;

const HEADER_BYTES = 27;
const MAX_SEGMENTS = 255;
/** granule position of a page on which no packet ends (RFC 3533 §6) */
export const NO_GRANULE = -1n;

export interface PageHeader {
  flags: number;
  /** 64-bit granule position; for Opus, 48 kHz samples incl. pre-skip; -1n if no packet ends here */
  granule: bigint;
  serial: number;
  sequence: number;
}

/** Builds one page from its lacing values and body; computes the CRC. */
export function buildPage(header: PageHeader, lacing: readonly number[], body: Uint8Array): Uint8Array {
  if (lacing.length > MAX_SEGMENTS) throw new RangeError('an Ogg page holds at most 255 segments');
  const page = new Uint8Array(HEADER_BYTES + lacing.length + body.length);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
  view.setUint8(4, 0); // stream structure version
  view.setUint8(5, header.flags);
  view.setBigInt64(6, header.granule, true);
  view.setUint32(14, header.serial >>> 0, true);
  view.setUint32(18, header.sequence >>> 0, true);
  view.setUint32(22, 0, true); // CRC placeholder
  view.setUint8(26, lacing.length);
  page.set(lacing, HEADER_BYTES);
  page.set(body, HEADER_BYTES + lacing.length);
  view.setUint32(22, oggCrc32(page), true);
  return page;
}

export interface PacketIn {
  data: Uint8Array;
  /** granule position after this packet completes */
  granule: bigint;
}

/**
 * Packs packets into as few pages as the 255-segment limit allows. Each page's granule is the
 * granule of the last packet that completes on it. `nextSequence` gives each page its number.
 */
export function packPages(
  packets: readonly PacketIn[],
  base: { serial: number; flags?: number },
  nextSequence: () => number,
): Uint8Array[] {
  const pages: Uint8Array[] = [];
  let lacing: number[] = [];
  let parts: Uint8Array[] = [];
  let granule = NO_GRANULE;
  let flags = base.flags ?? 0;
  const flush = (continuedNext: boolean): void => {
    const body = concat(parts);
    pages.push(buildPage({ flags, granule, serial: base.serial, sequence: nextSequence() }, lacing, body));
    lacing = [];
    parts = [];
    granule = NO_GRANULE;
    flags = continuedNext ? PageFlag.continued : 0;
  };
  for (const packet of packets) {
    let offset = 0;
    for (;;) {
      if (lacing.length === MAX_SEGMENTS) flush(true);
      const take = Math.min(255, packet.data.length - offset);
      lacing.push(take);
      parts.push(packet.data.subarray(offset, offset + take));
      offset += take;
      if (take < 255) break; // a short (possibly empty) segment ends the packet
    }
    granule = packet.granule;
  }
  if (lacing.length > 0) flush(false);
  return pages;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
