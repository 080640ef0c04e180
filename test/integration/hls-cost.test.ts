/**
 * Packaging cost per Space, measured on real Opus (a 440 Hz tone at libopus defaults) and
 * printed for docs/hls.md. Bounds are generous (the budget is 20 ms per frame); the printed
 * figures are what matter. Run: node --import tsx --test test/integration/hls-cost.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HlsStream } from '../../src/audience/hls/index.js';
import { OggFanout, OggStream, type PageSink } from '../../src/audience/ogg/index.js';
import { toneFrames } from '../../src/audience/ogg/testkit.js';
import type { AudioFrame } from '../../src/protocol/audience.js';

const base = toneFrames(3000); // 60 s
/** 5 minutes of frames: the 60 s of tone repeated with continuing seq numbers */
const frames: AudioFrame[] = [];
for (let r = 0; r < 5; r++)
  for (const f of base) frames.push({ ...f, seq: f.seq + r * 3000, mixedAt: f.mixedAt + r * 60_000 });
const opusBytes = frames.reduce((a, f) => a + f.opus.length, 0);

function cpuMicros(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

void test('LL-HLS packaging costs a few microseconds per frame and ~10% container overhead', () => {
  const s = new HlsStream();
  let partBytes = 0;
  let parts = 0;
  let playlistBytes = 0;
  s.on('part', (p) => {
    partBytes += p.bytes.length;
    parts++;
  });
  const us = cpuMicros(() => {
    for (const f of frames) {
      const before = parts;
      s.push(f);
      if (parts !== before) playlistBytes = s.playlist().length; // rendered once per part
    }
  });
  const perFrame = us / frames.length;
  const overhead = partBytes / opusBytes - 1;
  console.log(
    `HLS: ${perFrame.toFixed(2)} µs CPU/frame (incl. playlist render), ${parts} parts, ` +
      `${(partBytes / parts).toFixed(0)} B/part (Opus ${(opusBytes / parts).toFixed(0)} B), ` +
      `fMP4 overhead ${(overhead * 100).toFixed(1)}%, segment ${(((partBytes / parts) * 5) / 1024).toFixed(1)} KiB, ` +
      `playlist ${playlistBytes} B, init ${s.init.length} B`,
  );
  assert.ok(perFrame < 200, `${perFrame} µs per frame`);
  assert.ok(overhead < 0.25);
  s.close();
});

void test('Ogg packaging and fan-out cost: pages built once, one write per listener', () => {
  for (const framesPerPage of [1, 10, 50]) {
    const s = new OggStream({ framesPerPage });
    let pageBytes = 0;
    s.on('page', (p) => (pageBytes += p.bytes.length));
    const us = cpuMicros(() => {
      for (const f of frames) s.push(f);
    });
    console.log(
      `Ogg ${framesPerPage} frame(s)/page: ${(us / frames.length).toFixed(2)} µs CPU/frame, ` +
        `framing overhead ${((pageBytes / opusBytes - 1) * 100).toFixed(1)}%`,
    );
    assert.ok(us / frames.length < 200);
    s.close();
  }
  // fan-out to 1000 in-memory listeners (the socket write itself is the kernel's cost)
  const s = new OggStream({ framesPerPage: 10 });
  const fan = new OggFanout(s);
  let writes = 0;
  const sink: PageSink = {
    write: () => (writes++, true),
    end: () => {},
    writableLength: 0,
    destroyed: false,
    once: () => undefined,
  };
  for (let i = 0; i < 1000; i++) fan.attach({ ...sink });
  const us = cpuMicros(() => {
    for (const f of frames.slice(0, 3000)) s.push(f);
  });
  const pages = 3000 / 10;
  console.log(`Ogg fan-out: ${(us / pages / 1000).toFixed(3)} µs per page per listener (1000 listeners)`);
  assert.equal(writes, 1000 + pages * 1000);
  fan.close();
  s.close();
});
