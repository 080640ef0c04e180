/**
 * The load tool's Ogg tier against a real server in this process: listeners on
 * GET /v1/spaces/:id/listen.opus read the live pages of a speaker bot's stream.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { parseLoadFlags, runLoad } from '../../src/load/index.js';

let server: TestServer;
let out: string;
before(async () => {
  server = await startTestServer();
  out = mkdtempSync(join(tmpdir(), 'rostra-load-'));
});
after(async () => {
  await server.stop();
  rmSync(out, { recursive: true, force: true });
});

void test('Ogg listeners all get pages of live audio without stalls', { timeout: 60_000 }, async () => {
  const { report } = await runLoad(
    parseLoadFlags({
      '--url': server.url,
      '--tier': 'ogg',
      '--listeners': '40',
      '--duration': '4',
      '--warmup-s': '1',
      '--settle-s': '0',
      '--out': out,
      '--quiet': 'true',
    }),
  );
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
