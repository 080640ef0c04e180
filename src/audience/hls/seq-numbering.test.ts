import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioFrame } from '../../protocol/audience.js';
import { HlsStream } from './hls-stream.js';
import { handleHlsRequest } from './handler.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const frame = (seq: number): AudioFrame => ({
  seq,
  mixedAt: T0 + seq * 20,
  opus: new Uint8Array(40).fill((seq * 7) & 0xff),
});
function pushRange(streams: HlsStream[], from: number, to: number): void {
  for (let i = from; i < to; i++) for (const s of streams) s.push(frame(i));
}
const lines = (text: string, tag: string): string[] => text.split('\n').filter((l) => l.startsWith(tag));
/** the entries of a playlist from its first media line on (no header) */
const body = (text: string): string[] =>
  text.split('\n').slice(text.split('\n').indexOf('#EXT-X-MAP:URI="init.mp4"') + 1);
/** moof(8) mfhd header(12): sequence_number; + mfhd(4) traf(8) tfhd(16) tfdt header(12): decode time */
function fragmentFields(bytes: Uint8Array): { sequence: number; decodeTime: bigint } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { sequence: view.getUint32(20), decodeTime: view.getBigUint64(8 + 16 + 8 + 16 + 12) };
}

void test('two packagers started at different seqs serve the same parts, segments and playlist', () => {
  const a = new HlsStream({ windowSegments: 6 });
  const b = new HlsStream({ windowSegments: 6 });
  pushRange([a], 0, 237); // b joins in the middle of segment 2
  pushRange([a, b], 237, 250);
  assert.equal(b.openMsn, 3, 'b waits for the next segment boundary');
  assert.equal(lines(b.playlist(), '#EXTINF').length, 0);
  assert.deepEqual(lines(b.playlist(), '#EXT-X-PRELOAD-HINT'), [
    '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-3.0.m4s"',
  ]);
  pushRange([a, b], 250, 1047);
  for (let msn = 4; msn <= 10; msn++) {
    for (let p = 0; p < 5; p++) {
      const pa = a.getPart(msn, p);
      if (msn === 10 && p >= 2) {
        assert.equal(pa, undefined);
        continue;
      }
      assert.ok(pa, `a has part ${msn}.${p}`);
      assert.deepEqual(b.getPart(msn, p)?.bytes, pa.bytes, `part ${msn}.${p} is byte-identical`);
      assert.deepEqual(fragmentFields(pa.bytes), {
        sequence: msn * 5 + p + 1,
        decodeTime: BigInt(msn * 100 + p * 20) * 960n,
      });
    }
    if (msn < 10) assert.deepEqual(b.getSegment(msn)?.bytes, a.getSegment(msn)?.bytes);
  }
  assert.equal(b.playlist(), a.playlist(), 'once both hold the whole window, the playlists are equal');
  a.close();
  b.close();
});

void test('a seq jump (failover gap) lists whole missing segments with EXT-X-GAP and keeps decode time = seq', async () => {
  const a = new HlsStream({ windowSegments: 20 });
  const late = new HlsStream({ windowSegments: 20 });
  pushRange([a], 0, 1037); // the old home's last frame is 1036 (segment 10, part 1)
  pushRange([a], 1623, 1660); // the new home continues at 1623 (segment 16, part 1)
  pushRange([a, late], 1660, 2000);
  const text = a.playlist();
  const ten = a.getSegment(10);
  assert.equal(ten?.duration, 2, 'the segment cut by the gap is completed with concealment frames');
  assert.equal(ten?.parts.length, 5);
  for (let msn = 11; msn <= 15; msn++) {
    assert.ok(text.includes(`#EXT-X-GAP\n#EXTINF:2,\nseg-${msn}.m4s\n`), `segment ${msn} is a gap`);
    assert.equal((await handleHlsRequest(a, `seg-${msn}.m4s`)).status, 404);
    assert.equal((await handleHlsRequest(a, `part-${msn}.0.m4s`)).status, 404);
  }
  assert.equal(lines(text, '#EXT-X-GAP').length, 5);
  assert.equal(lines(text, '#EXT-X-DISCONTINUITY').length, 0, 'the timeline is continuous');
  assert.deepEqual(new Set(lines(text, '#EXTINF')), new Set(['#EXTINF:2,']));
  // the segment the new home starts in: its head is concealment, then the new frames
  const sixteen = a.getPart(16, 0);
  assert.ok(sixteen);
  assert.equal(fragmentFields(sixteen.bytes).decodeTime, 1600n * 960n);
  assert.equal(a.getPart(16, 1)?.frames, 20);
  // PROGRAM-DATE-TIME of a gap segment is its place on the wall clock
  assert.ok(text.includes(`#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + 1100 * 20).toISOString()}\n#EXT-X-GAP`));
  // a node that only joined after the jump agrees from its first segment on
  for (let msn = 17; msn < 20; msn++) assert.deepEqual(late.getSegment(msn)?.bytes, a.getSegment(msn)?.bytes);
  assert.deepEqual(body(late.playlist()).slice(-20), body(a.playlist()).slice(-20));
  a.close();
  late.close();
});

void test('a gap longer than the window lists at most a window of gap segments', () => {
  const s = new HlsStream({ windowSegments: 3 });
  pushRange([s], 0, 150);
  pushRange([s], 5000, 5010);
  const text = s.playlist();
  assert.deepEqual(lines(text, '#EXT-X-MEDIA-SEQUENCE'), ['#EXT-X-MEDIA-SEQUENCE:47']);
  assert.equal(lines(text, '#EXT-X-GAP').length, 3);
  assert.equal(s.openMsn, 50);
  assert.equal(s.getSegment(1), undefined);
  assert.equal(s.getSegment(48)?.gap, true);
  s.close();
});

void test('duplicate and late frames are dropped; a small loss inside a segment is concealed', () => {
  const s = new HlsStream();
  pushRange([s], 0, 30);
  s.push(frame(10)); // late
  s.push(frame(29)); // duplicate
  pushRange([s], 35, 100); // 30..34 lost
  const seg = s.getSegment(0);
  assert.equal(seg?.parts.length, 5);
  assert.equal(seg?.parts[1]?.frames, 20);
  assert.equal(s.openMsn, 1);
  s.close();
});
