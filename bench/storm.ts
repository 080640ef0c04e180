/**
 * Benchmark (not a test): a join storm, N listeners joining one node within 5 s, against
 * Rostra's WebSocket tier and against Icecast2, one after the other in one run (servers pinned
 * to core 0, the load tool on core 1; runners.ts). Rostra runs with its admission limits lifted
 * (runners.ts RAW_TIER_ENV) so the storm measures the tier, not the waiting room; Icecast runs
 * with its default 64 KiB burst on connect (how it is usually run: audio at once) and 200 ms
 * pages.
 *
 *   node --import tsx bench/storm.ts [--duration S] [N ...]    # default 15000
 * `--loopback-rx tool|sender|both` (default tool): where loopback receive work runs (loopback-rx.ts).
 * Reports: $TMPDIR/rostra-bench/storm-<time>/.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeLoopbackRx, withLoopbackRx } from './loopback-rx.js';
import { runIcecast, runRostra, takeFlag } from './runners.js';
import { markdownTable, TABLE_HEAD, tableRow } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '20'));
const rxModes = takeLoopbackRx(args);
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(15_000);
const outRoot = join(tmpdir(), 'rostra-bench', `storm-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const rows: string[][] = [];
for (const n of sizes) {
  for (const rx of rxModes) {
    const shape = (who: string) => ({
      listeners: n,
      duration,
      storm: true,
      out: join(outRoot, `${who}-${n}-${rx}`),
    });
    const rostra = await withLoopbackRx(rx, () => runRostra(shape('rostra-ws'), { tier: 'websocket' }));
    rows.push(['Rostra WebSocket', ...tableRow(n, rostra)]);
    const icecast = await withLoopbackRx(rx, () =>
      runIcecast(shape('icecast'), { pageMs: 200, burst: true }),
    );
    rows.push(['Icecast2 (burst on)', ...tableRow(n, icecast)]);
  }
}
process.stdout.write(
  `\nJoin storm (N within 5 s) — reports: ${outRoot}\n\n${markdownTable(['server', ...TABLE_HEAD], rows)}\n`,
);
