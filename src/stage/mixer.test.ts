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
  // the worker takes a moment to start (longer under tsx); count from its first frame
  await new Promise<void>((resolve) => mixer.events.once('frame', () => resolve()));
  const t0 = Date.now() - 20;
  await new Promise((r) => setTimeout(r, 1000));
  // block the main thread for 200 ms: the worker's clock must not care
  const busyUntil = Date.now() + 200;
  while (Date.now() < busyUntil);
  await new Promise((r) => setTimeout(r, 100));
  await mixer.close();
  const elapsed = Date.now() - t0;
  assert.ok(Math.abs(frames.length - elapsed / 20) <= 4, `${frames.length} frames in ${elapsed} ms`);
  frames.forEach((f, i) => assert.equal(f.seq, (4_294_967_290 + i) >>> 0));
  frames.forEach((f, i) => assert.equal(f.mixedAt, (frames[0]?.mixedAt ?? 0) + i * 20));
  assert.ok(levelsReports >= 9);
  assert.ok(mixer.stats.frames > 50);
  // lateness depends on the machine's load (other test files run in parallel on 2 cores);
  // what must hold is that no tick was skipped while the main thread was blocked
  assert.equal(mixer.stats.skippedTicks, 0);
  assert.ok(mixer.stats.lateTicks / mixer.stats.frames < 0.5, `late ${JSON.stringify(mixer.stats)}`);
  assert.throws(() => mixer.push('a', 1, new Uint8Array(1)), /closed/);
  await mixer.close(); // idempotent
});
