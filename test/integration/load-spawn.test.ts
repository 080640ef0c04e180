/**
 * The load tool starting its own server in a child process (--spawn-server): a ramp of
 * listeners, two speaker bots (the host and an invited speaker), the child's CPU and RSS read
 * from /proc, and the child stopped at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLoadFlags, runLoad } from '../../src/load/index.js';

void test(
  'a ramp against a spawned server measures the server process and stops it afterwards',
  { timeout: 90_000 },
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'rostra-load-'));
    try {
      const { report } = await runLoad(
        parseLoadFlags({
          '--spawn-server': 'true',
          '--listeners': '60',
          '--mode': 'ramp',
          '--ramp-s': '2',
          '--duration': '5',
          '--warmup-s': '0',
          '--settle-s': '0',
          '--speakers': '2',
          '--out': out,
          '--quiet': 'true',
        }),
      );
      assert.equal(report.listeners.failedJoins, 0, JSON.stringify(report.listeners.failures));
      assert.equal(report.listeners.gotAudio, 60);
      assert.ok(
        report.listeners.joinSpanMs >= 1500,
        `a ramp, not a storm: ${report.listeners.joinSpanMs} ms`,
      );
      assert.equal(report.speakers.length, 2);
      for (const s of report.speakers) assert.ok(s.framesSent > 150, JSON.stringify(s));
      // the bots run on their own thread and still hear each other through the server
      const s2s = report.stage.speakerToSpeakerMs.all;
      assert.ok(s2s.count > 100, `forwarded packets measured: ${JSON.stringify(s2s)}`);
      assert.ok(s2s.p50 < 100, `speaker-to-speaker p50 ${s2s.p50} ms`);
      assert.equal(typeof report.machine.loopbackRpsCpus, 'string');
      const server = report.cpu.server;
      assert.ok(server, 'the spawned server is measured');
      assert.ok(server.rssPeakBytes > 20 * 2 ** 20);
      assert.ok(report.series.some((p) => (p.serverCpuPct ?? 0) > 0));
      const pid = report.target.serverPid;
      assert.ok(pid);
      assert.ok(!existsSync(`/proc/${pid}`) || !isAlive(pid), 'the child is stopped');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
