import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initSegment } from './init.js';
import { mediaFragment } from './fragment.js';

interface Box {
  type: string;
  start: number;
  size: number;
  payload: DataView;
  children: Box[];
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf', 'stbl', 'mvex', 'moof', 'traf']);
/** bytes of fixed fields before child boxes, for boxes that have both */
const SKIP: Record<string, number> = { stsd: 8, dref: 8, Opus: 28 };

/** Parses boxes back, checking every size adds up exactly. */
function parse(bytes: Uint8Array, start = 0, end = bytes.length): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  let at = start;
  while (at < end) {
    const size = view.getUint32(at);
    assert.ok(size >= 8 && at + size <= end, `box at ${at} has a bad size ${size}`);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const skip = SKIP[type];
    const children = CONTAINERS.has(type)
      ? parse(bytes, at + 8, at + size)
      : skip !== undefined
        ? parse(bytes, at + 8 + skip, at + size)
        : [];
    out.push({
      type,
      start: at,
      size,
      payload: new DataView(bytes.buffer, bytes.byteOffset + at + 8, size - 8),
      children,
    });
    at += size;
  }
  assert.equal(at, end, 'boxes fill their parent exactly');
  return out;
}

function find(boxes: Box[], path: string): Box {
  const [head, ...rest] = path.split('/');
  const b = boxes.find((x) => x.type === head);
  assert.ok(b, `no ${head} box`);
  return rest.length ? find(b.children, rest.join('/')) : b;
}

void test('the init segment has ftyp and moov with an Opus sample entry and dOps', () => {
  const boxes = parse(initSegment({ preSkip: 312 }));
  assert.deepEqual(
    boxes.map((b) => b.type),
    ['ftyp', 'moov'],
  );
  assert.deepEqual(
    find(boxes, 'moov').children.map((b) => b.type),
    ['mvhd', 'trak', 'mvex'],
  );
  assert.deepEqual(
    find(boxes, 'moov/trak/mdia/minf/stbl').children.map((b) => b.type),
    ['stsd', 'stts', 'stsc', 'stsz', 'stco'],
  );
  const hdlr = find(boxes, 'moov/trak/mdia/hdlr').payload;
  assert.equal(String.fromCharCode(...new Uint8Array(hdlr.buffer, hdlr.byteOffset + 8, 4)), 'soun');
  const mdhd = find(boxes, 'moov/trak/mdia/mdhd').payload;
  assert.equal(mdhd.getUint32(12), 48000, 'media timescale');
  const opus = find(boxes, 'moov/trak/mdia/minf/stbl/stsd/Opus');
  assert.equal(opus.payload.getUint16(6), 1, 'data_reference_index');
  assert.equal(opus.payload.getUint16(16), 1, 'channelcount');
  assert.equal(opus.payload.getUint32(24), (48000 << 16) >>> 0, 'samplerate 16.16');
  const dops = find(opus.children, 'dOps').payload;
  assert.equal(dops.byteLength, 11);
  assert.equal(dops.getUint8(0), 0, 'version');
  assert.equal(dops.getUint8(1), 1, 'output channels');
  assert.equal(dops.getUint16(2), 312, 'pre-skip');
  assert.equal(dops.getUint32(4), 48000, 'input sample rate');
  assert.equal(dops.getUint8(10), 0, 'mapping family');
  const trex = find(boxes, 'moov/mvex/trex').payload;
  assert.equal(trex.getUint32(4), 1, 'track id');
  assert.equal(trex.getUint32(12), 960, 'default sample duration');
});

void test('a media fragment is moof + mdat whose trun points exactly at its samples', () => {
  const samples = [new Uint8Array([1, 2, 3]), new Uint8Array(80).fill(9), new Uint8Array([7])];
  const bytes = mediaFragment({ sequence: 42, baseMediaDecodeTime: 5n * 2n ** 32n + 960n, samples });
  const boxes = parse(bytes);
  assert.deepEqual(
    boxes.map((b) => b.type),
    ['moof', 'mdat'],
  );
  assert.equal(find(boxes, 'moof/mfhd').payload.getUint32(4), 42);
  const tfhd = find(boxes, 'moof/traf/tfhd').payload;
  assert.equal(tfhd.getUint32(0) & 0xffffff, 0x020000, 'default-base-is-moof');
  const tfdt = find(boxes, 'moof/traf/tfdt').payload;
  assert.equal(tfdt.getUint8(0), 1, 'version 1: 64-bit time');
  assert.equal(tfdt.getBigUint64(4), 5n * 2n ** 32n + 960n);
  const trun = find(boxes, 'moof/traf/trun').payload;
  assert.equal(trun.getUint32(0) & 0xffffff, 0x000301);
  assert.equal(trun.getUint32(4), 3, 'sample count');
  const dataOffset = trun.getInt32(8);
  let at = dataOffset; // relative to the moof's first byte
  for (let i = 0; i < 3; i++) {
    assert.equal(trun.getUint32(12 + 8 * i), 960, 'duration');
    const size = trun.getUint32(16 + 8 * i);
    assert.deepEqual(bytes.subarray(at, at + size), samples[i]);
    at += size;
  }
  assert.equal(at, bytes.length, 'the samples end the mdat');
  assert.equal(find(boxes, 'mdat').start + 8, dataOffset);
});
