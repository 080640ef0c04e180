/**
 * One CMAF chunk / movie fragment: moof(mfhd, traf(tfhd, tfdt, trun)) + mdat. An LL-HLS part is
 * exactly one fragment, and a segment is its parts' fragments back to back, so the bytes of a
 * part are built once and reused for the segment.
 *
 * tfhd uses default-base-is-moof (0x020000), so trun's data_offset is relative to the moof's
 * first byte: data_offset = moof size + 8 (the mdat header). trun carries per-sample duration
 * (ticks of 48 kHz) and size (bytes); flags 0x000301.
 */
import { FRAME_SAMPLES } from '../../../protocol/audience.js';
import { Writer, box, fullBox, type Bytes } from './box.js';
import { TRACK_ID } from './init.js';

export interface FragmentInput {
  /** mfhd sequence number: starts at 1, +1 per fragment */
  sequence: number;
  /** tfdt: decode time of the first sample in 48 kHz ticks */
  baseMediaDecodeTime: bigint;
  /** Opus packets, each one sample */
  samples: readonly Uint8Array[];
  /** ticks per sample; 960 (20 ms) unless given */
  sampleDuration?: number;
}

const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200; // data-offset, sample-duration, sample-size

export function mediaFragment(input: FragmentInput): Bytes {
  const n = input.samples.length;
  const duration = input.sampleDuration ?? FRAME_SAMPLES;
  const mfhd = fullBox('mfhd', 0, 0, new Writer().u32(input.sequence).done());
  const tfhd = fullBox('tfhd', 0, 0x020000, new Writer().u32(TRACK_ID).done());
  const tfdt = fullBox('tfdt', 1, 0, new Writer().u64(input.baseMediaDecodeTime).done());
  // sizes are fixed, so the moof size is known before data_offset is written
  const trunSize = 12 + 8 + 8 * n;
  const moofSize = 8 + mfhd.length + 8 + tfhd.length + tfdt.length + trunSize;
  const t = new Writer().u32(n).i32(moofSize + 8);
  let mdatSize = 8;
  for (const s of input.samples) {
    t.u32(duration).u32(s.length);
    mdatSize += s.length;
  }
  const trun = fullBox('trun', 0, TRUN_FLAGS, t.done());
  const moof = box('moof', mfhd, box('traf', tfhd, tfdt, trun));
  const out = new Uint8Array(moof.length + mdatSize);
  out.set(moof);
  const v = new DataView(out.buffer);
  v.setUint32(moof.length, mdatSize);
  out.set([0x6d, 0x64, 0x61, 0x74], moof.length + 4); // 'mdat'
  let at = moof.length + 8;
  for (const s of input.samples) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}
