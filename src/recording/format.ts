/**
 * The recording log: one append-only file per Space (`audio.rlog`), an 8-byte magic then one
 * record per mixed 20 ms frame. All integers big-endian.
 *
 *   offset size  field
 *   0      2     L: Opus packet length (1..1275)
 *   2      4     seq (uint32, +1 per frame on one mixer run)
 *   6      8     mixedAt: wall clock of the frame, ms since epoch (float64)
 *   14     L     the Opus packet
 *   14+L   4     CRC-32 (Ogg polynomial) of bytes 0 .. 14+L
 *
 * A record is valid only if its length is in range and its CRC matches, so a torn write (crash)
 * or a tail of zeros/garbage (power loss) is found by `scanLog` and cut off by repair.
 */
import { MAX_OPUS_PACKET_BYTES, type AudioFrame } from '../protocol/audience.js';
import { oggCrc32 } from '../audience/ogg/crc.js';

export const LOG_MAGIC = new TextEncoder().encode('RSTRREC1');
/** bytes of a record besides the Opus packet */
export const RECORD_OVERHEAD = 18;
const HEAD = 14;

export function encodeRecord(frame: AudioFrame): Uint8Array {
  const len = frame.opus.length;
  if (len < 1 || len > MAX_OPUS_PACKET_BYTES) throw new RangeError(`opus packet of ${len} bytes`);
  const out = new Uint8Array(RECORD_OVERHEAD + len);
  const view = new DataView(out.buffer);
  view.setUint16(0, len);
  view.setUint32(2, frame.seq >>> 0);
  view.setFloat64(6, frame.mixedAt);
  out.set(frame.opus, HEAD);
  view.setUint32(HEAD + len, oggCrc32(out.subarray(0, HEAD + len)));
  return out;
}

export interface LogScan {
  /** valid frames in order; `opus` views the scanned buffer (no copy) */
  frames: AudioFrame[];
  /** bytes from the start of the file up to the end of the last valid record */
  validBytes: number;
  /** bytes after that (a torn or corrupt tail); 0 for a clean log */
  tailBytes: number;
}

/** Reads a whole log; stops at the first record that is short, out of range or fails its CRC. */
export function scanLog(bytes: Uint8Array): LogScan {
  const frames: AudioFrame[] = [];
  if (bytes.length < LOG_MAGIC.length || !LOG_MAGIC.every((b, i) => bytes[i] === b)) {
    return { frames, validBytes: 0, tailBytes: bytes.length };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = LOG_MAGIC.length;
  while (at + RECORD_OVERHEAD <= bytes.length) {
    const len = view.getUint16(at);
    const end = at + RECORD_OVERHEAD + len;
    if (len < 1 || len > MAX_OPUS_PACKET_BYTES || end > bytes.length) break;
    if (oggCrc32(bytes.subarray(at, at + HEAD + len)) !== view.getUint32(at + HEAD + len)) break;
    frames.push({
      seq: view.getUint32(at + 2),
      mixedAt: view.getFloat64(at + 6),
      opus: bytes.subarray(at + HEAD, at + HEAD + len),
    });
    at = end;
  }
  return { frames, validBytes: at, tailBytes: bytes.length - at };
}
