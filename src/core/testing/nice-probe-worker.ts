/** Test worker (src/core/thread-priority.test.ts): sets its own nice value, reports its thread id. */
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { setThreadNice } from '../thread-priority.js';

const ok = setThreadNice(workerData as number);
const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
parentPort?.postMessage({ tid, ok });
// stay alive until terminated, so the test can read this thread's nice value
setInterval(() => undefined, 1000);
