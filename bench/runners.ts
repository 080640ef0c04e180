/**
 * The two kinds of benchmark run, shared by bench/ws-tier.ts, bench/icecast.ts and
 * bench/ogg-vs-icecast.ts: a fresh Rostra server (or Icecast2 with an ffmpeg source) pinned to
 * core 0, and the load tool pinned to core 1, each run writing report.json + chart.svg.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadReport } from '../src/load/index.js';
import { tone, writeWav } from '../src/load/speaker/wav.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunShape {
  listeners: number;
  /** seconds; default long enough for the joins plus a 15 s+ steady window */
  duration?: number;
  /** connects in flight at once (steady mode) */
  concurrency?: number;
  storm?: boolean;
  out: string;
}

/**
 * Admission limits lifted so the run measures the tier itself, not the waiting room (the
 * defaults, 14,000 listeners and 1000 joins/s, would send most of a big run to LL-HLS).
 */
export const RAW_TIER_ENV = {
  ROSTRA_MAX_LISTENERS: '19000',
  ROSTRA_JOIN_RATE: '10000',
  ROSTRA_JOIN_BURST: '15000',
} as const;

const durationOf = (s: RunShape) => s.duration || (s.storm ? 20 : Math.round(20 + s.listeners / 500));

/** The load tool on core 1 with these flags; resolves with its report. */
export function runLoad(
  shape: RunShape,
  flags: string[],
  env: Record<string, string> = {},
): Promise<LoadReport> {
  const all = [
    ...flags,
    '--listeners',
    String(shape.listeners),
    '--duration',
    String(durationOf(shape)),
    '--warmup-s',
    '3',
    '--concurrency',
    String(shape.concurrency ?? 100),
    '--out',
    shape.out,
  ];
  const cmd = ['taskset', '-c', '1', process.execPath, '--import', 'tsx', 'src/load/main.ts', ...all];
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  process.stderr.write(`\n$ ${shown}${cmd.join(' ').replace(process.execPath, 'node')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load run for ${shape.listeners} exited with ${code}`));
      resolve(JSON.parse(readFileSync(join(shape.out, 'report.json'), 'utf8')) as LoadReport);
    });
  });
}

/** A fresh `rostra start` on core 0 (spawned by the load tool) with one speaker bot. */
export function runRostra(
  shape: RunShape,
  opts: { tier: string; speakers?: number; oggPageFrames?: number; env?: Record<string, string> },
): Promise<LoadReport> {
  const flags = ['--spawn-server', '--server-cpus', '0', '--tier', opts.tier];
  flags.push('--speakers', String(opts.speakers ?? 1));
  // the speaker path's p99 before listeners needs as many packets as the steady window's
  if ((opts.speakers ?? 1) >= 2) flags.push('--baseline-s', '10');
  flags.push('--mode', shape.storm ? 'storm' : 'steady', '--ramp-s', '5');
  const env: Record<string, string> = { ...RAW_TIER_ENV, ...opts.env };
  if (opts.oggPageFrames) env.ROSTRA_OGG_PAGE_FRAMES = String(opts.oggPageFrames);
  return runLoad(shape, flags, env);
}

function icecastConfig(dir: string, port: number, password: string, burst: boolean): string {
  return `<icecast>
  <limits><clients>20000</clients><sources>2</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>${burst ? 1 : 0}</burst-on-connect><burst-size>${burst ? 65536 : 0}</burst-size></limits>
  <authentication><source-password>${password}</source-password><admin-user>admin</admin-user>
    <admin-password>${password}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
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

/**
 * Icecast2 (Debian) on core 0 with room for 20,000 clients and burst-size 0 (no backlog on
 * connect, as Rostra's Ogg tier), or with `burst` Icecast's own default (64 KiB sent on connect,
 * so a newcomer has audio at once, seconds behind live); the source is ffmpeg on core 1 encoding a looped 440 Hz tone
 * with libopus (32 kbps, 20 ms frames) into Ogg pages of `pageMs`.
 */
export async function runIcecast(
  shape: RunShape,
  opts: { pageMs: number; burst?: boolean },
): Promise<LoadReport> {
  const dir = shape.out;
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const port = 18_000 + (process.pid % 1000);
  const password = 'bench-source-pw';
  writeFileSync(join(dir, 'icecast.xml'), icecastConfig(dir, port, password, opts.burst ?? false));
  const wav = join(dir, 'tone.wav');
  writeWav(wav, tone(440, 2));
  const icecast = start(['taskset', '-c', '0', 'icecast2', '-c', join(dir, 'icecast.xml')], 'icecast2');
  await sleep(1000);
  const encode = ['-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-ar', '48000', '-application', 'voip'];
  encode.push('-frame_duration', '20', '-page_duration', String(opts.pageMs * 1000));
  const source = start(
    ['taskset', '-c', '1', 'ffmpeg', '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1']
      .concat(['-i', wav, ...encode, '-content_type', 'audio/ogg', '-f', 'ogg'])
      .concat([`icecast://source:${password}@127.0.0.1:${port}/live.opus`]),
    'ffmpeg',
  );
  await sleep(2000);
  try {
    const url = `http://127.0.0.1:${port}/live.opus`;
    const flags = ['--ogg-url', url, '--server-pid', String(icecast.pid)];
    if (shape.storm) flags.push('--mode', 'storm', '--ramp-s', '5');
    return await runLoad(shape, flags);
  } finally {
    source.kill('SIGTERM');
    icecast.kill('SIGTERM');
    await sleep(1000);
  }
}

/** `--name value` taken out of `args` (mutated), or the fallback */
export function takeFlag(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? (args.splice(at, 2)[1] ?? fallback) : fallback;
}
