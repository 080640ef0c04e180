import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioFrame } from '../../protocol/audience.js';
import { HlsStream } from './hls-stream.js';
import { handleHlsRequest, HLS_CACHE } from './handler.js';
import type { Clock } from '../../core/ports/clock.js';

/** the system clock with ref'd timers, so a pending bounded wait keeps the test process alive */
const clock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const frame = (seq: number): AudioFrame => ({
  seq,
  mixedAt: T0 + seq * 20,
  opus: new Uint8Array(60).fill(seq & 0xff),
});
function pushRange(s: HlsStream, from: number, to: number): void {
  for (let i = from; i < to; i++) s.push(frame(i));
}
const lines = (text: string, tag: string): string[] => text.split('\n').filter((l) => l.startsWith(tag));

void test('the live playlist lists parts, segments, date-times and a preload hint', () => {
  const s = new HlsStream({ clock });
  pushRange(s, 0, 250); // 2 segments of 2 s, 2 parts of 0.4 s, 10 frames pending
  const text = s.playlist();
  assert.ok(text.startsWith('#EXTM3U\n#EXT-X-VERSION:6\n'));
  assert.deepEqual(lines(text, '#EXT-X-TARGETDURATION'), ['#EXT-X-TARGETDURATION:2']);
  assert.deepEqual(lines(text, '#EXT-X-PART-INF'), ['#EXT-X-PART-INF:PART-TARGET=0.4']);
  const control = lines(text, '#EXT-X-SERVER-CONTROL')[0] ?? '';
  assert.match(control, /CAN-BLOCK-RELOAD=YES/);
  // the draft's minimum, 2 × PART-TARGET: a player starts 0.8 s behind the live edge
  assert.match(control, /PART-HOLD-BACK=0\.8(,|$)/);
  assert.deepEqual(lines(text, '#EXT-X-MEDIA-SEQUENCE'), ['#EXT-X-MEDIA-SEQUENCE:0']);
  assert.deepEqual(lines(text, '#EXT-X-MAP'), ['#EXT-X-MAP:URI="init.mp4"']);
  assert.deepEqual(lines(text, '#EXT-X-PROGRAM-DATE-TIME'), [
    `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0).toISOString()}`,
    `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + 2000).toISOString()}`,
    `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + 4000).toISOString()}`,
  ]);
  const parts = lines(text, '#EXT-X-PART:');
  assert.equal(parts.length, 12);
  for (const p of parts) {
    assert.match(p, /INDEPENDENT=YES/);
    assert.ok(Number(/DURATION=([\d.]+)/.exec(p)?.[1]) <= 0.4);
  }
  assert.match(parts.at(-1) ?? '', /URI="part-2\.1\.m4s"/);
  assert.deepEqual(lines(text, '#EXTINF'), ['#EXTINF:2,', '#EXTINF:2,']);
  assert.ok(text.includes('#EXTINF:2,\nseg-0.m4s\n') && text.includes('seg-1.m4s\n'));
  assert.deepEqual(lines(text, '#EXT-X-PRELOAD-HINT'), ['#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-2.2.m4s"']);
  assert.equal(lines(text, '#EXT-X-ENDLIST').length, 0);
  assert.equal(s.openMsn, 2);
  assert.equal(s.openParts, 2);
  assert.equal(s.playlist(), text, 'the same text until something changes');
  s.close();
});

void test('the window slides: old segments leave the playlist and memory, parts only near the edge', async () => {
  const s = new HlsStream({ clock, windowSegments: 3 });
  const complete: number[] = [];
  s.on('segment', (seg) => complete.push(seg.msn));
  pushRange(s, 0, 1000); // 10 segments
  assert.deepEqual(complete, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'a recorder sees every segment');
  const text = s.playlist();
  assert.deepEqual(lines(text, '#EXT-X-MEDIA-SEQUENCE'), ['#EXT-X-MEDIA-SEQUENCE:7']);
  assert.equal(lines(text, '#EXTINF').length, 3);
  // segments 7, 8, 9 span 6 s = 3 target durations: all their parts are still listed
  assert.equal(lines(text, '#EXT-X-PART:').length, 15);
  pushRange(s, 1000, 1040); // 2 parts into segment 10: segment 7 now starts 6.8 s before the end
  const later = s.playlist();
  assert.ok(!later.includes('part-7.'), 'parts older than 3 target durations are dropped');
  assert.ok(later.includes('seg-7.m4s') && later.includes('part-8.0.m4s'));
  assert.equal((await handleHlsRequest(s, 'seg-6.m4s')).status, 404);
  assert.equal((await handleHlsRequest(s, 'seg-7.m4s')).status, 200);
  s.close();
});

void test('a blocking reload for the next part resolves when that part is produced', async () => {
  const s = new HlsStream({ clock });
  pushRange(s, 0, 110); // segment 1 has 0 parts, 10 frames pending
  const started = Date.now();
  const pending = handleHlsRequest(s, 'playlist.m3u8', new URLSearchParams('_HLS_msn=1&_HLS_part=0'));
  let settled = false;
  void pending.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(settled, false, 'held while the part does not exist');
  pushRange(s, 110, 120);
  const res = await pending;
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], HLS_CACHE.blockedPlaylist);
  assert.match(String(res.body), /part-1\.0\.m4s/);
  assert.ok(Date.now() - started < 1000);
  // a part index past the segment's last part means part 0 of the next segment
  assert.equal(s.hasPart(0, 5), true);
  assert.equal(s.hasPart(1, 5), false);
  s.close();
});

void test('blocking requests are bounded: far-future is refused at once, a stalled edge times out', async () => {
  const s = new HlsStream({ clock, blockTimeoutMs: 150 });
  pushRange(s, 0, 120);
  const far = await handleHlsRequest(s, 'playlist.m3u8', { _HLS_msn: '5' });
  assert.equal(far.status, 400);
  assert.equal(far.headers['cache-control'], 'no-store');
  const started = Date.now();
  const stalled = await handleHlsRequest(s, 'playlist.m3u8', { _HLS_msn: '2', _HLS_part: '0' });
  const waited = Date.now() - started;
  assert.equal(stalled.status, 503);
  assert.ok(waited >= 140 && waited < 1000, `waited ${waited} ms`);
  assert.equal((await handleHlsRequest(s, 'playlist.m3u8', { _HLS_part: '1' })).status, 400);
  assert.equal((await handleHlsRequest(s, 'playlist.m3u8', { _HLS_msn: '-1' })).status, 400);
  s.close();
});

void test('the preload-hinted part is served when produced; parts further ahead are 404 at once', async () => {
  const s = new HlsStream({ clock, blockTimeoutMs: 2000 });
  pushRange(s, 0, 105);
  const hinted = handleHlsRequest(s, 'part-1.0.m4s');
  const ahead = await handleHlsRequest(s, 'part-1.3.m4s');
  assert.equal(ahead.status, 404);
  assert.equal(ahead.headers['cache-control'], 'no-store');
  pushRange(s, 105, 120);
  const res = await hinted;
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'audio/mp4');
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.deepEqual(res.body, s.getPart(1, 0)?.bytes);
  const init = await handleHlsRequest(s, 'init.mp4');
  assert.equal(init.headers['cache-control'], HLS_CACHE.immutable);
  const pl = await handleHlsRequest(s, 'playlist.m3u8');
  assert.equal(pl.headers['content-type'], 'application/vnd.apple.mpegurl');
  assert.equal(pl.headers['cache-control'], 'public, max-age=1');
  const mv = await handleHlsRequest(s, 'master.m3u8');
  assert.match(
    String(mv.body),
    /#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,CODECS="opus"\nplaylist\.m3u8/,
  );
  assert.equal((await handleHlsRequest(s, '../etc/passwd')).status, 404);
  s.close();
});

void test('a segment equals its parts back to back, and lost frames keep the timeline whole', () => {
  const s = new HlsStream({ clock });
  pushRange(s, 0, 50);
  pushRange(s, 53, 103); // 3 frames lost: filled
  const seg = s.getSegment(0);
  assert.ok(seg?.bytes);
  assert.deepEqual(seg.bytes, new Uint8Array(Buffer.concat(seg.parts.map((p) => p.bytes))));
  assert.equal(seg.duration, 2);
  assert.equal(s.openMsn, 1);
  s.close();
});

void test('after end the playlist has EXT-X-ENDLIST, no preload hint, and waiters are released', async () => {
  const s = new HlsStream({ clock, blockTimeoutMs: 5000 });
  pushRange(s, 0, 130);
  const waiting = s.waitForPlaylist(3, 0);
  s.end();
  const text = await waiting;
  assert.ok(text?.endsWith('#EXT-X-ENDLIST\n'));
  assert.equal(lines(text ?? '', '#EXT-X-PRELOAD-HINT').length, 0);
  assert.deepEqual(lines(text ?? '', '#EXTINF'), ['#EXTINF:2,', '#EXTINF:0.6,']);
  assert.equal(
    (await handleHlsRequest(s, 'playlist.m3u8')).headers['cache-control'],
    HLS_CACHE.endedPlaylist,
  );
  s.end(); // idempotent
  assert.throws(() => s.push(frame(200)), /ended/);
  s.close();
  s.close();
  assert.throws(() => s.playlist(), /closed/);
});

void test('close releases a pending blocking request with no playlist', async () => {
  const s = new HlsStream({ clock, blockTimeoutMs: 5000 });
  const waiting = s.waitForPlaylist(0, 0);
  s.close();
  assert.equal(await waiting, null);
});

void test('numbering follows the seq: a stream fed from seq 4000 starts at msn 40, decode time 4000 × 960', () => {
  const s = new HlsStream({ clock });
  pushRange(s, 4000, 4120);
  const text = s.playlist();
  assert.deepEqual(lines(text, '#EXT-X-MEDIA-SEQUENCE'), ['#EXT-X-MEDIA-SEQUENCE:40']);
  assert.ok(text.includes('seg-40.m4s') && text.includes('part-41.0.m4s'));
  const part = s.getPart(41, 0);
  assert.ok(part);
  // tfdt sits at a fixed offset: moof(8) mfhd(16) traf(8) tfhd(16) tfdt header(12)
  const view = new DataView(part.bytes.buffer, part.bytes.byteOffset);
  assert.equal(view.getBigUint64(8 + 16 + 8 + 16 + 12), 4100n * 960n);
  s.close();
});
