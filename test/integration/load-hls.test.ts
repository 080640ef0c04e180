/**
 * The load tool's LL-HLS tier against a real server in this process: listeners follow the
 * preload hints with blocking playlist reloads and fetch every part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLoadServer } from '../helpers/load-run.js';

const load = useLoadServer();

void test('LL-HLS listeners follow the live edge part by part', { timeout: 60_000 }, async () => {
  const { report } = await load.run({
    '--tier': 'hls',
    '--listeners': '20',
    '--duration': '4',
    '--warmup-s': '1',
  });
  assert.equal(report.listeners.failedJoins, 0, JSON.stringify(report.listeners.failures));
  assert.equal(report.listeners.gotAudio, 20);
  assert.ok(report.audio.frames > 20 * 100, `frames ${report.audio.frames}`);
  assert.equal(report.seqGaps.framesMissing, 0, JSON.stringify(report.seqGaps));
  // a part is listed once complete: at least its duration behind the mix, and not seconds
  assert.ok(report.delayMs.p50 >= 150 && report.delayMs.p99 < 2000, JSON.stringify(report.delayMs));
});
