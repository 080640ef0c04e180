/**
 * Sets the nice value of the calling thread alone (Linux: each thread is a task with its own
 * nice value, and `setpriority` on a thread id affects only that thread). The stage thread uses
 * it so that, on a core it shares with the main thread's fan-out, the kernel runs a speaker's
 * packet as soon as it arrives instead of after the main thread's time slice (measured:
 * docs/stage.md); the load tool's speaker bots use it for the same reason.
 *
 * A nice value below 0 needs CAP_SYS_NICE (root, or the capability granted to the process);
 * without it this returns false and nothing changes. Never throws. Threads started later by
 * this thread inherit its nice value.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** true when the calling thread now runs at `nice` (-20..19) */
export function setThreadNice(nice: number): boolean {
  try {
    // "<pid>/task/<tid>" for the thread that reads it
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
