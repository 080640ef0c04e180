/**
 * Benchmark (not a test): Rostra's Ogg tier and Icecast2 side by side in one run, the same
 * 32 kbps Opus stream to the same N listeners, at two page cadences: 1 s pages (Icecast's usual
 * cadence: ffmpeg's default Ogg page duration) and 200 ms pages (Rostra's low-latency default).
 * Each server runs pinned to core 0, the load tool (and ffmpeg, Icecast's source) on core 1;
 * for each N and cadence the two runs follow each other, so they see the same machine.
 *
 *   node --import tsx bench/ogg-vs-icecast.ts [--duration S] [--cadence 1000,200] [N ...]  # default 5000
 * `--loopback-rx tool|sender|both` (default tool): where loopback receive work runs (loopback-rx.ts).
 * Reports: $TMPDIR/rostra-bench/ogg-vs-icecast-<time>/.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeLoopbackRx, withLoopbackRx } from './loopback-rx.js';
import { runIcecast, runRostra, takeFlag } from './runners.js';
import { markdownTable, TABLE_HEAD, tableRow } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '0'));
const concurrency = Number(takeFlag(args, '--concurrency', '100'));
const cadences = takeFlag(args, '--cadence', '1000,200').split(',').map(Number);
const rxModes = takeLoopbackRx(args);
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(5_000);
const outRoot = join(
  tmpdir(),
  'rostra-bench',
  `ogg-vs-icecast-${new Date().toISOString().replace(/[:.]/g, '-')}`,
);

const rows: string[][] = [];
for (const n of sizes) {
  for (const pageMs of cadences) {
    for (const rx of rxModes) {
      const shape = (who: string) => ({
        listeners: n,
        duration,
        concurrency,
        out: join(outRoot, `${who}-${pageMs}-${n}-${rx}`),
      });
      const rostra = await withLoopbackRx(rx, () =>
        runRostra(shape('rostra'), { tier: 'ogg', oggPageFrames: pageMs / 20 }),
      );
      rows.push([`Rostra Ogg, ${pageMs} ms pages`, ...tableRow(n, rostra)]);
      const icecast = await withLoopbackRx(rx, () => runIcecast(shape('icecast'), { pageMs }));
      rows.push([`Icecast2, ${pageMs} ms pages`, ...tableRow(n, icecast)]);
    }
  }
}
process.stdout.write(
  `\nOgg tier vs Icecast2 — reports: ${outRoot}\n\n${markdownTable(['server', ...TABLE_HEAD], rows)}\n`,
);
