import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { startModuleWorker } from './worker-thread.js';

/** nice value of one of this process's threads, from /proc/self/task/<tid>/stat field 19 */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

void test('sets the nice value of the calling thread only, or says it could not', async () => {
  const mainTid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  const before = niceOf(mainTid);
  const worker = startModuleWorker(import.meta.url, './testing/nice-probe-worker', { workerData: -20 });
  try {
    const { tid, ok } = await new Promise<{ tid: number; ok: boolean }>((r) => worker.once('message', r));
    assert.notEqual(tid, mainTid);
    // root (or CAP_SYS_NICE) may raise a thread; anyone else is refused and nothing changes
    assert.equal(niceOf(tid), ok ? -20 : before);
    assert.equal(niceOf(mainTid), before, 'the main thread is left alone');
  } finally {
    await worker.terminate();
  }
  // lowering one's priority needs no privilege: a worker at +5 must succeed
  const polite = startModuleWorker(import.meta.url, './testing/nice-probe-worker', { workerData: 5 });
  try {
    const { tid, ok } = await new Promise<{ tid: number; ok: boolean }>((r) => polite.once('message', r));
    assert.equal(ok, true);
    assert.equal(niceOf(tid), 5);
  } finally {
    await polite.terminate();
  }
});
