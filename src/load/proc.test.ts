import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProc, selfCpuUs } from './proc.js';

void test('reading this process from /proc gives CPU time close to process.cpuUsage and a real RSS', () => {
  const end = Date.now() + 150;
  while (Date.now() < end); // burn some CPU
  const proc = readProc(process.pid);
  assert.ok(proc);
  const self = selfCpuUs();
  assert.ok(Math.abs(proc.cpuUs - self) < 50_000, `${proc.cpuUs} vs ${self}`);
  assert.ok(proc.rssBytes > 10 * 1024 * 1024);
  assert.equal(readProc(2 ** 30), null);
});
