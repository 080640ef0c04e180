/**
 * Benchmark (not a test): Icecast2 (Debian package) serving a 32 kbps Ogg/Opus stream to N
 * listeners (runners.ts: Icecast pinned to core 0; ffmpeg source and load tool on core 1).
 * For Rostra's Ogg tier under the same conditions in the same run, use bench/ogg-vs-icecast.ts.
 *
 *   node --import tsx bench/icecast.ts [--duration S] [--page-ms 200] [N ...]   # default 1000 5000 10000
 * Needs `apt-get install -y icecast2` and ffmpeg. Reports: $TMPDIR/rostra-bench/icecast-<time>/.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIcecast, takeFlag } from './runners.js';
import { tableRow, TABLE_HEAD, markdownTable } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '0'));
const concurrency = Number(takeFlag(args, '--concurrency', '100'));
const pageMs = Number(takeFlag(args, '--page-ms', '200'));
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 5_000, 10_000);
const outRoot = join(tmpdir(), 'rostra-bench', `icecast-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const rows: string[][] = [];
for (const n of sizes) {
  const out = join(outRoot, `icecast-${n}`);
  rows.push(tableRow(n, await runIcecast({ listeners: n, duration, concurrency, out }, { pageMs })));
}
process.stdout.write(
  `\nIcecast2, ${pageMs} ms pages — reports: ${outRoot}\n\n${markdownTable(TABLE_HEAD, rows)}\n`,
);
