/**
 * `rostra load` flags -> validated LoadOptions. Bounded on purpose: loopback targets only unless
 * --allow-remote, a listener count the fd limit allows, a finite duration.
 */
import { readFileSync } from 'node:fs';
import { TierName } from './tiers/tier.js';

export const LoadMode = {
  steady: 'steady',
  ramp: 'ramp',
  storm: 'storm',
} as const;
export type LoadMode = (typeof LoadMode)[keyof typeof LoadMode];

export interface LoadOptions {
  /** http://host:port of the node; ignored with spawnServer */
  url: string;
  /** where listeners connect, e.g. a cache in front of the node (origin only); empty = the node */
  listenUrl: string;
  /** an existing live Space; empty = create one (host + speakers) */
  spaceId: string;
  /** token of someone on stage of `spaceId`, for a speaker bot there */
  token: string;
  /** Ogg tier only: listen to this ready Ogg stream (e.g. an Icecast mount), no Space set-up */
  oggUrl: string;
  tier: TierName;
  listeners: number;
  mode: LoadMode;
  /** ramp: listeners join evenly over this many seconds; storm: all join within it */
  rampS: number;
  /** whole run from the first join, seconds; the tool stops by itself after it */
  durationS: number;
  /** seconds after the last join before the steady measuring window starts */
  warmupS: number;
  /** seconds the server runs with its speakers before its idle CPU is measured */
  settleS: number;
  /** seconds of the baseline (idle CPU, speaker path) before any listener joins */
  baselineS: number;
  speakers: number;
  /** WAV the speaker bots loop; empty = a generated 440 Hz tone */
  wav: string;
  stallMs: number;
  /** most connects in flight at once in steady mode */
  concurrency: number;
  outDir: string;
  allowRemote: boolean;
  serverPid: number;
  /** a cache in front of the node whose CPU is measured too (0 = none) */
  edgePid: number;
  spawnServer: boolean;
  /** taskset -c list for the spawned server, e.g. "0" */
  serverCpus: string;
  quiet: boolean;
}

/** fds the tool keeps for itself (stdio, control sockets, speaker bots' UDP, files) */
export const FD_RESERVE = 100;
export const MAX_DURATION_S = 3600;
export const MAX_SPEAKERS = 11;

export const LOAD_HELP = `rostra load — simulated listeners and speaker bots against a Rostra node

usage: rostra load [flags]

target
  --url URL             node to load (default http://127.0.0.1:8080); only loopback
                        addresses unless --allow-remote
  --allow-remote        allow a non-loopback --url (only hosts you operate)
  --spawn-server        start \`rostra start\` in a child process on a free port with a
                        temporary data folder (then --url is ignored); its CPU is measured
  --server-cpus LIST    pin the spawned server with taskset -c LIST (e.g. 0)
  --server-pid PID      read this server process's CPU and RSS from /proc
  --listen-url URL      listeners connect here instead of the node, e.g. a caching proxy or
                        CDN edge in front of it (docs/cdn.md); set-up and speaker bots still
                        talk to the node. Loopback only unless --allow-remote
  --edge-pid PID        read that cache's CPU from /proc too (e.g. the nginx worker)
  --space ID            use this live Space instead of creating one
  --token JWT           with --space: publish as this account (must be on stage)
  --ogg-url URL         listen to this Ogg/Opus stream instead of a Space (e.g. an Icecast
                        mount, for comparisons); implies --tier ogg and no speaker bots

load
  --tier NAME           websocket (default), ogg (listen.opus) or hls (LL-HLS: two HTTP
                        requests per 400 ms part per listener; straight at the node unless
                        --listen-url points at a cache in front of it)
  --listeners N         simulated listeners (default 100). One process holds up to about
                        19,900 sockets (ulimit -n 20000 here, minus ${FD_RESERVE} for itself);
                        counts above what \`ulimit -n\` allows are refused: run several
                        processes for more
  --mode MODE           steady (default): all join as fast as --concurrency allows, then stay
                        ramp: join evenly over --ramp-s seconds
                        storm: join storm, all N within --ramp-s seconds (default 5)
  --ramp-s S            seconds for ramp/storm (ramp default 10, storm default 5)
  --concurrency N       connects in flight at once in steady mode (default 100; more can
                        overflow a busy server's accept backlog, see docs/benchmarks.md)
  --duration S          whole run in seconds from the first join (default 30, max ${MAX_DURATION_S});
                        the tool stops by itself
  --warmup-s S          seconds after the last join before the steady window (default 2)
  --settle-s S          seconds the server runs with its speakers before its idle CPU (the
                        baseline "net" figures subtract) is measured (default 5)
  --baseline-s S        seconds that baseline lasts: idle CPU, mixer on-time and the
                        speaker-to-speaker delay before any listener (default 2; 50 packets a
                        second per bot, so a p99 to compare with the steady one wants 10+)
  --speakers K          speaker bots publishing over WebRTC, 0..${MAX_SPEAKERS} (default 1; the host is
                        the first)
  --wav PATH            WAV the bots loop (any rate, mono/stereo, 8/16-bit PCM or float);
                        default a generated 440 Hz tone
  --stall-ms MS         a stall is audio arriving this much later than the audio already
                        received ran out (default 200)

output
  --out DIR             where report.json and chart.svg go (default ./load-reports/<time>)
  --quiet               no progress line

The progress line (once a second): listeners connected/requested, delay behind live p50/p99
in the last second, stalls and failed joins so far, client and server CPU.
Ctrl-C (SIGINT) or SIGTERM stops the run early; the report is still written.
Exit status: 0 when the run completed, 1 on a setup error, 2 on bad flags.
`;

function int(flags: Record<string, string>, name: string, def: number, min: number, max: number): number {
  const raw = flags[name];
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new Error(`${name} must be an integer in ${min}..${max}`);
  return v;
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** soft limit of open files of this process (Max open files in /proc/self/limits) */
export function fdLimit(): number {
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'latin1'));
    if (m?.[1] && m[1] !== 'unlimited') return Number(m[1]);
  } catch {
    // no /proc: assume the machine's documented limit
  }
  return 20_000;
}

/** an http:// URL given as `flag`, on a loopback address unless remote targets are allowed */
function httpUrl(flag: string, value: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag} ${value} is not a URL`);
  }
  if (url.protocol !== 'http:')
    throw new Error(`${flag} must be http:// (TLS is not supported by the load tool)`);
  if (!allowRemote && !isLoopback(url.hostname))
    throw new Error(
      `${flag} ${url.hostname} is not a loopback address; add --allow-remote for a host you operate`,
    );
  return url;
}

export function parseLoadFlags(flags: Record<string, string>): LoadOptions {
  const known = new Set(LOAD_HELP.match(/--[a-z-]+/g) ?? []);
  for (const f of Object.keys(flags))
    if (!known.has(f) && f !== '--help') throw new Error(`unknown flag ${f}`);
  const tier = (flags['--tier'] ?? (flags['--ogg-url'] ? 'ogg' : 'websocket')) as TierName;
  if (!Object.values(TierName).includes(tier))
    throw new Error(`--tier must be one of ${Object.values(TierName).join(', ')}`);
  const mode = (flags['--mode'] ?? 'steady') as LoadMode;
  if (!Object.values(LoadMode).includes(mode)) throw new Error(`--mode must be steady, ramp or storm`);
  const maxListeners = fdLimit() - FD_RESERVE;
  const listeners = int(flags, '--listeners', 100, 1, 1_000_000);
  if (listeners > maxListeners)
    throw new Error(
      `--listeners ${listeners} is more than this process can hold (ulimit -n ${maxListeners + FD_RESERVE} minus ${FD_RESERVE}); run several load processes`,
    );
  const allowRemote = flags['--allow-remote'] === 'true';
  const parsed = httpUrl('--url', flags['--url'] ?? 'http://127.0.0.1:8080', allowRemote);
  const oggUrl = flags['--ogg-url'] ?? '';
  if (oggUrl) {
    httpUrl('--ogg-url', oggUrl, allowRemote);
    if (flags['--tier'] && flags['--tier'] !== 'ogg') throw new Error('--ogg-url goes with --tier ogg');
    if (flags['--speakers'] && flags['--speakers'] !== '0')
      throw new Error('--ogg-url takes no speaker bots');
  }
  const listenUrl = flags['--listen-url']
    ? httpUrl('--listen-url', flags['--listen-url'], allowRemote).origin
    : '';
  if (listenUrl && oggUrl)
    throw new Error('--listen-url and --ogg-url: the Ogg URL already says where to listen');
  const spaceId = flags['--space'] ?? '';
  const token = flags['--token'] ?? '';
  const speakers = oggUrl
    ? 0
    : int(flags, '--speakers', spaceId && !token ? 0 : 1, 0, spaceId ? 1 : MAX_SPEAKERS);
  if (spaceId && speakers > 0 && !token)
    throw new Error('--speakers with --space needs --token of someone on stage');
  return {
    url: parsed.origin,
    listenUrl,
    spaceId,
    token,
    oggUrl,
    tier,
    listeners,
    mode,
    rampS: int(flags, '--ramp-s', mode === LoadMode.storm ? 5 : 10, 0, MAX_DURATION_S),
    durationS: int(flags, '--duration', 30, 1, MAX_DURATION_S),
    warmupS: int(flags, '--warmup-s', 2, 0, MAX_DURATION_S),
    settleS: int(flags, '--settle-s', 5, 0, 60),
    baselineS: int(flags, '--baseline-s', 2, 1, 60),
    speakers,
    wav: flags['--wav'] ?? '',
    stallMs: int(flags, '--stall-ms', 200, 20, 60_000),
    concurrency: int(flags, '--concurrency', 100, 1, 100_000),
    outDir: flags['--out'] ?? `load-reports/${new Date().toISOString().replace(/[:.]/g, '-')}`,
    allowRemote,
    serverPid: int(flags, '--server-pid', 0, 0, 2 ** 22),
    edgePid: int(flags, '--edge-pid', 0, 0, 2 ** 22),
    spawnServer: flags['--spawn-server'] === 'true',
    serverCpus: flags['--server-cpus'] ?? '',
    quiet: flags['--quiet'] === 'true',
  };
}
