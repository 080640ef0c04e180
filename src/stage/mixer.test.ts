import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioFrame } from '../protocol/audience.js';
import { Mixer } from './mixer.js';

void test('the mixer worker emits one frame every 20 ms with consecutive seq, even in silence', async () => {
  const mixer = new Mixer({ firstSeq: 4_294_967_290, levelsEveryMs: 100 });
  const frames: AudioFrame[] = [];
  mixer.events.on('frame', (f) => frames.push(f));
  let levelsReports = 0;
  mixer.events.on('levels', () => levelsReports++);
  // the worker takes a moment to start (longer under tsx)
  await new Promise<void>((resolve) => mixer.events.once('frame', () => resolve()));
  await new Promise((r) => setTimeout(r, 1000));
  // block the main thread for 200 ms: the worker's clock must not care
  const busyUntil = Date.now() + 200;
  while (Date.now() < busyUntil);
  await new Promise((r) => setTimeout(r, 100));
  await mixer.close();
  // every 20 ms since the worker's tick 0 (its mixedAt, on the shared wall clock) is a frame,
  // or (only if the worker itself was starved by other processes) a counted skip; frames in
  // flight at close() are not delivered, hence the slack
  const skipped = mixer.stats.skippedTicks;
  const first = frames[0];
  assert.ok(first);
  const slots = (Date.now() - first.mixedAt) / 20;
  assert.ok(frames.length + skipped <= slots + 2, `${frames.length} frames, ${slots} slots`);
  assert.ok(frames.length + skipped >= slots * 0.9 - 5, `${frames.length} frames, ${slots} slots`);
  assert.ok(skipped < frames.length / 4, `skipped ${skipped}`);
  // seq and mixedAt advance together: +1 and +20 ms per frame (a skip advances both)
  assert.equal(first.seq, 4_294_967_290);
  for (const f of frames) assert.equal(((f.seq - first.seq) >>> 0) * 20, f.mixedAt - first.mixedAt);
  if (skipped === 0) frames.forEach((f, i) => assert.equal(f.seq, (4_294_967_290 + i) >>> 0));
  assert.ok(levelsReports >= 9);
  assert.ok(mixer.stats.frames > 50);
  // lateness depends on the machine's load (other test files run in parallel on 2 cores)
  assert.ok(mixer.stats.lateTicks / mixer.stats.frames < 0.5, `late ${JSON.stringify(mixer.stats)}`);
  assert.throws(() => mixer.push('a', 1, new Uint8Array(1)), /closed/);
  await mixer.close(); // idempotent
});

void test('with a timeline origin the first seq is the number of 20 ms frames since that origin', async () => {
  const origin = Date.now() - 3_600_000; // a Space created an hour ago, its mixer (re)started now
  const mixer = new Mixer({ timelineOrigin: origin });
  const first = await new Promise<AudioFrame>((resolve) => mixer.events.once('frame', resolve));
  await mixer.close();
  // the seq sits on the Space's timeline: seq × 20 ms after the origin, within one frame
  assert.ok(Math.abs(first.seq * 20 - (first.mixedAt - origin)) <= 10, `seq ${first.seq}`);
  assert.ok(first.seq >= 180_000 && first.seq < 180_000 + 500, `seq ${first.seq}`);
});
