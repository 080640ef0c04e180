/**
 * The CMAF/fMP4 initialization segment for one Opus track ("Encapsulation of Opus in ISO Base
 * Media File Format" §4.3): ftyp + moov(mvhd, trak(tkhd, mdia(mdhd, hdlr 'soun', minf(smhd,
 * dinf/dref, stbl(stsd 'Opus'+'dOps', empty stts/stsc/stsz/stco)))), mvex/trex). Built once
 * per stream; the media timescale is 48 kHz so one 20 ms Opus sample lasts 960 ticks.
 */
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../../protocol/audience.js';
import { Writer, box, fullBox, unityMatrix, type Bytes } from './box.js';

export const TRACK_ID = 1;
/** media timescale: ticks per second (= Opus's 48 kHz) */
export const TIMESCALE = SAMPLE_RATE;

export interface OpusTrackConfig {
  channels?: number;
  /** encoder lookahead, 48 kHz samples (see ogg/opus-head.ts) */
  preSkip?: number;
}

/** OpusSpecificBox: Version 0, channels, PreSkip, InputSampleRate, OutputGain, family 0. */
export function dOps(cfg: OpusTrackConfig): Bytes {
  const w = new Writer()
    .u8(0)
    .u8(cfg.channels ?? 1)
    .u16(cfg.preSkip ?? 312)
    .u32(SAMPLE_RATE)
    .i16(0)
    .u8(0);
  return box('dOps', w.done());
}

/** AudioSampleEntry 'Opus' with the dOps box. */
export function opusSampleEntry(cfg: OpusTrackConfig): Bytes {
  const w = new Writer()
    .zeros(6) // reserved
    .u16(1) // data_reference_index
    .zeros(8) // reserved (version, revision, vendor)
    .u16(cfg.channels ?? 1)
    .u16(16) // samplesize
    .u16(0) // pre_defined
    .u16(0) // reserved
    .u32(SAMPLE_RATE * 65536); // samplerate, 16.16 fixed point
  return box('Opus', w.done(), dOps(cfg));
}

export function initSegment(cfg: OpusTrackConfig = {}): Bytes {
  const ftyp = box(
    'ftyp',
    new Writer().ascii('iso6').u32(0).ascii('iso6').ascii('cmfc').ascii('mp41').ascii('Opus').done(),
  );
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    unityMatrix(new Writer().u32(0).u32(0).u32(TIMESCALE).u32(0).u32(0x00010000).u16(0x0100).zeros(10))
      .zeros(24)
      .u32(TRACK_ID + 1)
      .done(),
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    0x000003, // enabled | in movie
    unityMatrix(
      new Writer().u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0).zeros(8).u16(0).u16(0).u16(0x0100).u16(0),
    )
      .u32(0)
      .u32(0)
      .done(),
  );
  const mdhd = fullBox(
    'mdhd',
    0,
    0,
    new Writer().u32(0).u32(0).u32(TIMESCALE).u32(0).u16(0x55c4 /* 'und' */).u16(0).done(),
  );
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    new Writer().u32(0).ascii('soun').zeros(12).ascii('SoundHandler').u8(0).done(),
  );
  const dinf = box('dinf', fullBox('dref', 0, 0, new Writer().u32(1).done(), fullBox('url ', 0, 1)));
  const stsd = fullBox('stsd', 0, 0, new Writer().u32(1).done(), opusSampleEntry(cfg));
  const empty = (type: string): Bytes => fullBox(type, 0, 0, new Writer().u32(0).done());
  const stsz = fullBox('stsz', 0, 0, new Writer().u32(0).u32(0).done());
  const stbl = box('stbl', stsd, empty('stts'), empty('stsc'), stsz, empty('stco'));
  const smhd = fullBox('smhd', 0, 0, new Writer().i16(0).u16(0).done());
  const minf = box('minf', smhd, dinf, stbl);
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
  const trex = fullBox(
    'trex',
    0,
    0,
    new Writer().u32(TRACK_ID).u32(1).u32(FRAME_SAMPLES).u32(0).u32(0).done(),
  );
  const moov = box('moov', mvhd, trak, box('mvex', trex));
  const out = new Uint8Array(ftyp.length + moov.length);
  out.set(ftyp);
  out.set(moov, ftyp.length);
  return out;
}
