/**
 * Benchmark (not a test): Icecast2 (Debian package) serving a 32 kbps Ogg/Opus stream to N
 * listeners (runners.ts: Icecast pinned to core 0; ffmpeg source and load tool on core 1).
 * For Rostra's Ogg tier under the same conditions in the same run, use bench/ogg-vs-icecast.ts.
 *
 *   node --import tsx bench/icecast.ts [--duration S] [--page-ms 200] [N ...]   # default 1000 5000 10000
 * `--loopback-rx tool|sender|both` (default tool): where loopback receive work runs (loopback-rx.ts).
 * Needs `apt-get install -y icecast2` and ffmpeg. Reports: $TMPDIR/rostra-bench/icecast-<time>/.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeLoopbackRx, withLoopbackRx } from './loopback-rx.js';
import { runIcecast, takeFlag } from './runners.js';
import { tableRow, TABLE_HEAD, markdownTable } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '0'));
const concurrency = Number(takeFlag(args, '--concurrency', '100'));
const pageMs = Number(takeFlag(args, '--page-ms', '200'));
const rxModes = takeLoopbackRx(args);
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 5_000, 10_000);
const outRoot = join(tmpdir(), 'rostra-bench', `icecast-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const rows: string[][] = [];
for (const n of sizes) {
  for (const rx of rxModes) {
    const out = join(outRoot, `icecast-${n}-${rx}`);
    const report = await withLoopbackRx(rx, () =>
      runIcecast({ listeners: n, duration, concurrency, out }, { pageMs }),
    );
    rows.push(tableRow(n, report));
  }
}
process.stdout.write(
  `\nIcecast2, ${pageMs} ms pages — reports: ${outRoot}\n\n${markdownTable(TABLE_HEAD, rows)}\n`,
);
