/**
 * The two Ogg Opus header packets (RFC 7845 §5): identification header "OpusHead" and comment
 * header "OpusTags". All integers little-endian.
 */
import { SAMPLE_RATE } from '../../protocol/audience.js';

/**
 * Samples (48 kHz) the decoder drops at the start: libopus's encoder lookahead at 48 kHz
 * (2.5 ms + 4 ms delay compensation = 312 samples), which @evan/opus reports as `lookhead`.
 */
export const DEFAULT_PRE_SKIP = 312;

export function opusHead(opts: { channels?: number; preSkip?: number; inputRate?: number }): Uint8Array {
  const out = new Uint8Array(19);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('OpusHead'));
  view.setUint8(8, 1); // version
  view.setUint8(9, opts.channels ?? 1);
  view.setUint16(10, opts.preSkip ?? DEFAULT_PRE_SKIP, true);
  view.setUint32(12, opts.inputRate ?? SAMPLE_RATE, true);
  view.setInt16(16, 0, true); // output gain, Q7.8 dB
  view.setUint8(18, 0); // channel mapping family 0: mono/stereo, no table
  return out;
}

export function opusTags(vendor: string, comments: readonly string[] = []): Uint8Array {
  const enc = new TextEncoder();
  const v = enc.encode(vendor);
  const cs = comments.map((c) => enc.encode(c));
  let size = 8 + 4 + v.length + 4;
  for (const c of cs) size += 4 + c.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(enc.encode('OpusTags'));
  let at = 8;
  view.setUint32(at, v.length, true);
  out.set(v, (at += 4));
  at += v.length;
  view.setUint32(at, cs.length, true);
  at += 4;
  for (const c of cs) {
    view.setUint32(at, c.length, true);
    out.set(c, at + 4);
    at += 4 + c.length;
  }
  return out;
}
