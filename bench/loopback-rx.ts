/**
 * Where the kernel does a loopback listener's receive work during a benchmark run.
 *
 * On loopback a send() runs the receiving socket's whole input path (IP, TCP, waking the
 * reader) on the sending core, so a server pinned to core 0 pays its listeners' kernel work on
 * top of its own; in a deployment that work happens on the listeners' machines. Receive Packet
 * Steering on `lo` moves every loopback receive to core 1, the load generator's core:
 * - 'tool'   (rps_cpus = 2): the server pays its sends, the load tool its listeners' receives.
 *   The server's handling of its listeners' ACKs (small, one per batch) moves to core 1 too.
 * - 'sender' (rps_cpus = 0, the kernel's default): the sender pays both sides.
 * Setting it needs root (the bench machines run as root); the previous mask is put back after
 * the run, also when the script exits on an error. Each report.json records the mask it ran with.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { takeFlag } from './runners.js';

export type LoopbackRx = 'tool' | 'sender';

const RPS_FILE = '/sys/class/net/lo/queues/rx-0/rps_cpus';
const MASK: Record<LoopbackRx, string> = { tool: '2', sender: '0' };

/** `--loopback-rx tool|sender|both` taken out of `args` (default tool) */
export function takeLoopbackRx(args: string[]): LoopbackRx[] {
  const v = takeFlag(args, '--loopback-rx', 'tool');
  if (v === 'both') return ['tool', 'sender'];
  if (v === 'tool' || v === 'sender') return [v];
  throw new Error(`--loopback-rx must be tool, sender or both (got ${v})`);
}

/** runs `fn` with loopback receive work placed as `mode` says, then restores the mask */
export async function withLoopbackRx<T>(mode: LoopbackRx, fn: () => Promise<T>): Promise<T> {
  const before = readFileSync(RPS_FILE, 'latin1').trim();
  const restore = () => writeFileSync(RPS_FILE, before);
  if (Number.parseInt(before, 16) !== Number.parseInt(MASK[mode], 16)) {
    try {
      writeFileSync(RPS_FILE, MASK[mode]);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(
        `cannot write ${RPS_FILE} (${why}): run as root, or pass --loopback-rx ${before === '0' ? 'sender' : 'tool'}`,
      );
    }
  }
  process.once('exit', restore);
  process.stderr.write(
    `loopback receive work: ${mode === 'tool' ? 'core 1 (the load tool)' : "the sender's core"}\n`,
  );
  try {
    return await fn();
  } finally {
    process.off('exit', restore);
    restore();
  }
}

/** the table's label for a report's loopback mask */
export function loopbackRxLabel(mask: string | undefined): string {
  if (mask === undefined || mask === '') return '?';
  const n = Number.parseInt(mask.replace(/,/g, ''), 16);
  return n === 0 ? 'sender' : n === 2 ? 'core 1' : mask;
}
