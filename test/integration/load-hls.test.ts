/**
 * The load tool's LL-HLS tier against a real server in this process: listeners follow the
 * preload hints with blocking playlist reloads and fetch every part.
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

void test('LL-HLS listeners follow the live edge part by part', { timeout: 60_000 }, async () => {
  const { report } = await runLoad(
    parseLoadFlags({
      '--url': server.url,
      '--tier': 'hls',
      '--listeners': '20',
      '--duration': '4',
      '--warmup-s': '1',
      '--settle-s': '0',
      '--out': out,
      '--quiet': 'true',
    }),
  );
  assert.equal(report.listeners.failedJoins, 0, JSON.stringify(report.listeners.failures));
  assert.equal(report.listeners.gotAudio, 20);
  assert.ok(report.audio.frames > 20 * 100, `frames ${report.audio.frames}`);
  assert.equal(report.seqGaps.framesMissing, 0, JSON.stringify(report.seqGaps));
  // a part is listed once complete: at least its duration behind the mix, and not seconds
  assert.ok(report.delayMs.p50 >= 150 && report.delayMs.p99 < 2000, JSON.stringify(report.delayMs));
});
