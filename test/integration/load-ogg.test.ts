/**
 * The load tool's Ogg tier against a real server in this process: listeners on
 * GET /v1/spaces/:id/listen.opus read the live pages of a speaker bot's stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLoadServer } from '../helpers/load-run.js';

const load = useLoadServer();

void test('Ogg listeners all get pages of live audio without stalls', { timeout: 60_000 }, async () => {
  const { report } = await load.run({
    '--tier': 'ogg',
    '--listeners': '40',
    '--duration': '4',
    '--warmup-s': '1',
  });
  assert.equal(report.listeners.failedJoins, 0, JSON.stringify(report.listeners.failures));
  assert.equal(report.listeners.gotAudio, 40);
  // 10-frame (200 ms) pages: ~3 s of audio to each listener
  assert.ok(report.audio.frames > 40 * 100, `frames ${report.audio.frames}`);
  assert.ok(
    report.audio.bytesPerListenerSecond > 1000,
    `bytes/listener-s ${report.audio.bytesPerListenerSecond}`,
  );
  assert.equal(report.seqGaps.framesMissing, 0, JSON.stringify(report.seqGaps));
  // relative delay: a page is ready once full, so at least its 200 ms, and not much more
  assert.ok(report.delayMs.p50 >= 150 && report.delayMs.p99 < 1500, JSON.stringify(report.delayMs));
});
