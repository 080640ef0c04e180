/**
 * Benchmark (not a test): the WebSocket tier under N listeners, server and load tool on
 * separate cores. For each N it runs
 *   taskset -c 1 node --import tsx src/load/main.ts --spawn-server --server-cpus 0 --listeners N ...
 * i.e. a fresh `rostra start` pinned to core 0 (admission limits lifted: runners.ts
 * RAW_TIER_ENV) and the load generator (listeners + 1 speaker bot) pinned to core 1, then prints server CPU µs per listener-second, RSS per listener,
 * failed joins, stalls and delay percentiles from each run's report.json.
 *
 *   node --import tsx bench/ws-tier.ts                 # 1000 5000 10000, steady
 *   node --import tsx bench/ws-tier.ts 2000            # one size
 *   node --import tsx bench/ws-tier.ts --storm 15000   # join storm: N within 5 s
 *   node --import tsx bench/ws-tier.ts --duration 10 300  # a quick smoke run
 *   node --import tsx bench/ws-tier.ts --speakers 2 15000 # + speaker-to-speaker delay, mixer on time
 *   node --import tsx bench/ws-tier.ts --tier ogg [--ogg-page-frames 50]  # Rostra's Ogg tier
 * `--loopback-rx tool|sender|both` (default tool): where loopback receive work runs (loopback-rx.ts).
 * Reports go to $TMPDIR/rostra-bench/ws-tier-<time>/<N>/ (report.json, chart.svg).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeLoopbackRx, withLoopbackRx } from './loopback-rx.js';
import { runRostra, takeFlag } from './runners.js';
import { markdownTable, STAGE_HEAD, stageRow, TABLE_HEAD, tableRow } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '0'));
/** connects in flight at once (steady mode); small keeps a busy server's accept backlog from overflowing */
const concurrency = Number(takeFlag(args, '--concurrency', '100'));
const tier = takeFlag(args, '--tier', 'websocket');
const oggPageFrames = Number(takeFlag(args, '--ogg-page-frames', '0'));
/** 2+ bots also measure the speaker-to-speaker path under the listener load */
const speakers = Number(takeFlag(args, '--speakers', '1'));
const rxModes = takeLoopbackRx(args);
const storm = args[0] === '--storm';
const sizes = (storm ? args.slice(1) : args).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(...(storm ? [15_000] : [1_000, 5_000, 10_000]));
const outRoot = join(tmpdir(), 'rostra-bench', `ws-tier-${new Date().toISOString().replace(/[:.]/g, '-')}`);

const rows: string[][] = [];
const stageRows: string[][] = [];
for (const n of sizes) {
  for (const rx of rxModes) {
    const out = join(outRoot, `${tier}-${storm ? 'storm-' : ''}${n}-${rx}`);
    const report = await withLoopbackRx(rx, () =>
      runRostra(
        { listeners: n, duration, concurrency, storm, out },
        { tier, speakers, oggPageFrames: oggPageFrames || undefined },
      ),
    );
    rows.push(tableRow(n, report));
    stageRows.push(stageRow(n, report));
  }
}
process.stdout.write(`\nRostra ${tier} tier — reports: ${outRoot}\n\n${markdownTable(TABLE_HEAD, rows)}\n`);
if (speakers >= 2) process.stdout.write(`\nSpeaker path\n\n${markdownTable(STAGE_HEAD, stageRows)}\n`);
