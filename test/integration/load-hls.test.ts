/**
 * The load tool's LL-HLS tier against a real server in this process: listeners follow the
 * preload hints with blocking playlist reloads and fetch every part, straight from the node
 * and through the shipped nginx cache (--listen-url), where the node's own counter shows how
 * few requests reach it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLoadServer } from '../helpers/load-run.js';
import { startNginxEdge, type NginxEdge } from '../helpers/nginx-edge.js';

const load = useLoadServer();
let edge: NginxEdge | null = null;
after(() => edge?.stop());

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
  // no cache: every listener's playlist and part requests reach the node (~5 a second each)
  const reached = report.origin.hlsRequestsPerSecond;
  assert.ok(reached !== null && reached > 20 * 3, `origin LL-HLS req/s ${reached}`);
  assert.equal(report.cpu.edge, null);
});

void test(
  'through the nginx cache, the node answers a few requests a second for 60 listeners',
  { timeout: 60_000 },
  async () => {
    edge = await startNginxEdge(load.server().rostra.port);
    const { report } = await load.run({
      '--tier': 'hls',
      '--listeners': '60',
      '--duration': '6',
      '--warmup-s': '1',
      '--listen-url': edge.url,
      '--edge-pid': String(edge.workerPid),
    });
    assert.equal(report.target.listenUrl, edge.url);
    assert.equal(report.listeners.failedJoins, 0, JSON.stringify(report.listeners.failures));
    assert.equal(report.listeners.gotAudio, 60);
    assert.equal(report.seqGaps.framesMissing, 0, JSON.stringify(report.seqGaps));
    const reached = report.origin.hlsRequestsPerSecond;
    // one blocking playlist and one part per 400 ms part, whatever the listeners, plus stragglers
    assert.ok(reached !== null && reached < 15, `origin LL-HLS req/s ${reached}`);
    assert.ok(report.cpu.edge && report.cpu.edge.avgPct > 0, JSON.stringify(report.cpu.edge));
  },
);
