/**
 * Benchmark (not a test): a join storm, N listeners joining one node within 5 s, against
 * Rostra's WebSocket tier and against Icecast2, one after the other in one run (servers pinned
 * to core 0, the load tool on core 1; runners.ts). Rostra runs with its admission limits lifted
 * (runners.ts RAW_TIER_ENV) so the storm measures the tier, not the waiting room; Icecast runs
 * with its default 64 KiB burst on connect (how it is usually run: audio at once) and 200 ms
 * pages.
 *
 *   node --import tsx bench/storm.ts [--duration S] [N ...]    # default 15000
 * Reports: $TMPDIR/rostra-bench/storm-<time>/.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIcecast, runRostra, takeFlag } from './runners.js';
import { markdownTable, TABLE_HEAD, tableRow } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '20'));
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(15_000);
const outRoot = join(tmpdir(), 'rostra-bench', `storm-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const rows: string[][] = [];
for (const n of sizes) {
  const shape = (who: string) => ({ listeners: n, duration, storm: true, out: join(outRoot, `${who}-${n}`) });
  rows.push(['Rostra WebSocket', ...tableRow(n, await runRostra(shape('rostra-ws'), { tier: 'websocket' }))]);
  rows.push([
    'Icecast2 (burst on)',
    ...tableRow(n, await runIcecast(shape('icecast'), { pageMs: 200, burst: true })),
  ]);
}
process.stdout.write(
  `\nJoin storm (N within 5 s) — reports: ${outRoot}\n\n${markdownTable(['server', ...TABLE_HEAD], rows)}\n`,
);
