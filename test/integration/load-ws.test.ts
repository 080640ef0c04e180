/**
 * The load tool against a real server in this process: a join storm of 200 WebSocket listeners
 * plus one WebRTC speaker bot for ~5 s. Every listener must hear audio, the delay must be sane
 * and the JSON report and the SVG chart must be written with their fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LoadReport } from '../../src/load/index.js';
import { useLoadServer } from '../helpers/load-run.js';

const load = useLoadServer();

void test(
  '200 listeners joining in a storm all get audio from a speaker bot, and the run is reported',
  { timeout: 60_000 },
  async () => {
    const { report, reportPath, chartPath } = await load.run({
      '--listeners': '200',
      '--mode': 'storm',
      '--ramp-s': '1',
      '--duration': '5',
      '--warmup-s': '1',
      '--speakers': '1',
      '--server-pid': String(process.pid),
    });

    const l = report.listeners;
    assert.equal(l.attempted, 200);
    assert.equal(l.failedJoins, 0, JSON.stringify(l.failures));
    assert.equal(l.joined, 200);
    assert.equal(l.gotAudio, 200, 'every listener got audio');
    assert.equal(l.peakConnected, 200);
    assert.ok(l.joinSpanMs <= 1500, `joins spread over ${l.joinSpanMs} ms`);
    assert.ok(report.timeToFirstAudioMs.p99 > 0 && report.timeToFirstAudioMs.p99 < 2000);
    // same process as the server on a shared 2-core machine: generous, but proves it is live
    assert.ok(report.delayMs.count > 1000, `delay samples: ${report.delayMs.count}`);
    assert.ok(report.delayMs.p50 > 0 && report.delayMs.p50 < 500, `delay p50 ${report.delayMs.p50}`);
    assert.ok(report.delayMs.p99 < 1500, `delay p99 ${report.delayMs.p99}`);
    assert.ok(report.steadyDelayMs.count > 0, 'the steady window saw audio');
    // ~5 s of 20 ms frames to 200 listeners
    assert.ok(report.audio.frames > 200 * 150, `frames ${report.audio.frames}`);
    assert.ok(
      report.audio.bytesPerListenerSecond > 2000,
      `bytes/listener-s ${report.audio.bytesPerListenerSecond}`,
    );
    assert.equal(report.speakers.length, 1);
    assert.ok((report.speakers[0]?.framesSent ?? 0) > 200);
    assert.ok(report.cpu.server && report.cpu.server.usPerListenerSecond > 0);
    assert.ok(report.series.length >= 5);
    assert.ok(report.series.some((s) => s.listeners === 200));

    const onDisk = JSON.parse(readFileSync(reportPath, 'utf8')) as LoadReport;
    for (const key of [
      'listeners',
      'joinMs',
      'timeToFirstAudioMs',
      'delayMs',
      'steadyDelayMs',
      'stalls',
      'seqGaps',
      'audio',
      'cpu',
      'speakers',
      'series',
    ])
      assert.ok(key in onDisk, `report.json has ${key}`);
    assert.equal(onDisk.listeners.gotAudio, 200);
    assert.equal((onDisk.options as Record<string, unknown>).token, undefined, 'no token in the report');
    const svg = readFileSync(chartPath, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const title of ['Listeners connected', 'Delay behind live', 'CPU']) assert.ok(svg.includes(title));
    assert.ok((svg.match(/<polyline/g) ?? []).length >= 5, 'listeners, delays and CPU are drawn');
  },
);
