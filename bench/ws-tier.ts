/**
 * Benchmark (not a test): the WebSocket tier under N listeners, server and load tool on
 * separate cores. For each N it runs
 *   taskset -c 1 node --import tsx src/load/main.ts --spawn-server --server-cpus 0 --listeners N ...
 * i.e. a fresh `rostra start` pinned to core 0 and the load generator (listeners + 1 speaker
 * bot) pinned to core 1, then prints server CPU µs per listener-second, RSS per listener,
 * failed joins, stalls and delay percentiles from each run's report.json.
 *
 *   node --import tsx bench/ws-tier.ts                 # 1000 5000 10000, steady
 *   node --import tsx bench/ws-tier.ts 2000            # one size
 *   node --import tsx bench/ws-tier.ts --storm 15000   # join storm: N within 5 s
 *   node --import tsx bench/ws-tier.ts --duration 10 300  # a quick smoke run
 *   node --import tsx bench/ws-tier.ts --tier ogg          # Rostra's Ogg tier (vs bench/icecast.ts)
 * Reports go to $TMPDIR/rostra-bench/ws-tier-<time>/<N>/ (report.json, chart.svg).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '../src/load/index.js';
import { markdownTable, TABLE_HEAD, tableRow } from './table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const durationAt = args.indexOf('--duration');
const fixedDuration = durationAt >= 0 ? Number(args.splice(durationAt, 2)[1]) : 0;
/** connects in flight at once (steady mode); small keeps a busy server's accept backlog from overflowing */
const concurrencyAt = args.indexOf('--concurrency');
const concurrency = concurrencyAt >= 0 ? (args.splice(concurrencyAt, 2)[1] ?? '100') : '100';
const tierAt = args.indexOf('--tier');
const tier = tierAt >= 0 ? (args.splice(tierAt, 2)[1] ?? 'websocket') : 'websocket';
const storm = args[0] === '--storm';
const sizes = (storm ? args.slice(1) : args).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(...(storm ? [15_000] : [1_000, 5_000, 10_000]));
const outRoot = join(tmpdir(), 'rostra-bench', `ws-tier-${new Date().toISOString().replace(/[:.]/g, '-')}`);

function runOne(n: number): Promise<LoadReport> {
  const out = join(outRoot, `${tier}-${storm ? 'storm-' : ''}${n}`);
  // steady: long enough for the joins (~1k/s on a loaded core) plus a 15 s+ steady window
  const duration = fixedDuration || (storm ? 20 : Math.round(20 + n / 500));
  const flags = [
    '--spawn-server',
    '--server-cpus',
    '0',
    '--listeners',
    String(n),
    '--mode',
    storm ? 'storm' : 'steady',
    '--ramp-s',
    '5',
    '--duration',
    String(duration),
    '--warmup-s',
    '3',
    '--concurrency',
    concurrency,
    '--speakers',
    '1',
    '--tier',
    tier,
    '--out',
    out,
  ];
  const cmd = ['taskset', '-c', '1', process.execPath, '--import', 'tsx', 'src/load/main.ts', ...flags];
  process.stderr.write(`\n$ ${cmd.join(' ').replace(process.execPath, 'node')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load run for ${n} exited with ${code}`));
      resolve(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LoadReport);
    });
  });
}

const rows: string[][] = [];
for (const n of sizes) rows.push(tableRow(n, await runOne(n)));
process.stdout.write(`\nRostra ${tier} tier — reports: ${outRoot}\n\n${markdownTable(TABLE_HEAD, rows)}\n`);
