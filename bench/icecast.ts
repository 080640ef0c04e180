/**
 * Benchmark (not a test): Icecast2 (Debian package) serving a 32 kbps Ogg/Opus stream to N
 * listeners, for comparison with Rostra's Ogg tier (bench/ws-tier.ts --tier ogg). Icecast runs
 * pinned to core 0; the source (ffmpeg encoding a looped 440 Hz tone with libopus, 20 ms
 * frames, 200 ms Ogg pages like Rostra's) and the load tool run on core 1.
 *
 *   node --import tsx bench/icecast.ts [--duration S] [N ...]     # default 1000 5000 10000
 * Needs `apt-get install -y icecast2` and ffmpeg. Reports: $TMPDIR/rostra-bench/icecast-<time>/.
 * Icecast is configured with burst-size 0 (no backlog on connect, as Rostra's Ogg tier) and
 * room for 20,000 clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '../src/load/index.js';
import { tone, writeWav } from '../src/load/speaker/wav.js';
import { tableRow, TABLE_HEAD, markdownTable } from './table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const durationAt = args.indexOf('--duration');
const fixedDuration = durationAt >= 0 ? Number(args.splice(durationAt, 2)[1]) : 0;
/** connects in flight at once (steady mode); small keeps a busy server's accept backlog from overflowing */
const concurrencyAt = args.indexOf('--concurrency');
const concurrency = concurrencyAt >= 0 ? (args.splice(concurrencyAt, 2)[1] ?? '100') : '100';
const sizes = args.map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1_000, 5_000, 10_000);
const outRoot = join(tmpdir(), 'rostra-bench', `icecast-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const PORT = 18_000 + (process.pid % 1000);
const PASSWORD = 'bench-source-pw';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function icecastConfig(dir: string): string {
  return `<icecast>
  <limits><clients>20000</clients><sources>2</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>0</burst-on-connect><burst-size>0</burst-size></limits>
  <authentication><source-password>${PASSWORD}</source-password><admin-user>admin</admin-user>
    <admin-password>${PASSWORD}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${PORT}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>${dir}</logdir><webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>-</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>
</icecast>
`;
}

function start(cmd: string[], label: string): ChildProcess {
  process.stderr.write(`$ ${cmd.join(' ')}\n`);
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
  child.once('exit', (code, signal) => {
    if (code && !child.killed && !signal) process.stderr.write(`${label} exited ${code}: ${err}\n`);
  });
  return child;
}

async function runOne(n: number): Promise<LoadReport> {
  const dir = join(outRoot, `icecast-${n}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'icecast.xml'), icecastConfig(dir));
  const wav = join(dir, 'tone.wav');
  writeWav(wav, tone(440, 2));
  const icecast = start(['taskset', '-c', '0', 'icecast2', '-c', join(dir, 'icecast.xml')], 'icecast2');
  await sleep(1000);
  const source = start(
    [
      'taskset',
      '-c',
      '1',
      'ffmpeg',
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      wav,
      '-c:a',
      'libopus',
      '-b:a',
      '32k',
      '-ac',
      '1',
      '-ar',
      '48000',
      '-application',
      'voip',
      '-frame_duration',
      '20',
      '-page_duration',
      '200000',
      '-content_type',
      'audio/ogg',
      '-f',
      'ogg',
      `icecast://source:${PASSWORD}@127.0.0.1:${PORT}/live.opus`,
    ],
    'ffmpeg',
  );
  await sleep(2000);
  try {
    const duration = fixedDuration || Math.round(20 + n / 500);
    const flags = ['--ogg-url', `http://127.0.0.1:${PORT}/live.opus`, '--server-pid', String(icecast.pid)];
    flags.push('--listeners', String(n), '--duration', String(duration), '--warmup-s', '3', '--out', dir);
    flags.push('--concurrency', concurrency);
    const cmd = ['taskset', '-c', '1', process.execPath, '--import', 'tsx', 'src/load/main.ts', ...flags];
    process.stderr.write(`$ ${cmd.join(' ').replace(process.execPath, 'node')}\n`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cmd[0]!, cmd.slice(1), { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load run exited ${code}`))));
    });
    return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as LoadReport;
  } finally {
    source.kill('SIGTERM');
    icecast.kill('SIGTERM');
    await sleep(1000);
  }
}

const rows: string[][] = [];
for (const n of sizes) rows.push(tableRow(n, await runOne(n)));
process.stdout.write(`\nIcecast2 — reports: ${outRoot}\n\n${markdownTable(TABLE_HEAD, rows)}\n`);
