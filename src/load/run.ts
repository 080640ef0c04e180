/**
 * One load run, start to end: (spawn the server) -> prepare a live Space -> speaker bots ->
 * server baseline -> listeners join on schedule -> steady window -> stop at --duration ->
 * close everything -> report.json + chart.svg in --out. Always cleans up, even on errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { LoadMetrics } from './metrics.js';
import { fdLimit, type LoadOptions } from './options.js';
import { loopbackRpsCpus, readProc } from './proc.js';
import type { LoadReport } from './report.js';
import { Sampler, progressLine } from './sampler.js';
import { spawnServer, type ServerProcess } from './server-process.js';
import { prepareSpace, type PreparedSpace } from './setup.js';
import { SpeakerBotThread } from './speaker/bot-thread.js';
import type { BotsReading } from './speaker/bot-messages.js';
import { readWav48kMono, tone } from './speaker/wav.js';
import { renderChart } from './svg.js';
import { hlsRequestRate, readNodeCounters } from './node-counters.js';
import { Joiner } from './joiner.js';
import { createTier, type ListenerTier } from './tiers/index.js';
import { buildReport, stageReport, type NodeReadings } from './summary.js';

/** ms listeners get to close politely before their sockets are destroyed */
const CLOSE_GRACE_MS = 1500;

export interface LoadResult {
  report: LoadReport;
  reportPath: string;
  chartPath: string;
}

const EMPTY = { count: 0, min: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
const NO_BOTS: BotsReading = {
  speakers: [],
  speakerToSpeakerMs: { all: EMPTY, baseline: EMPTY, steady: EMPTY },
  unmatchedForwarded: 0,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** sleeps `ms` or until `signal` aborts */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs one load; `signal` stops it early (the report is still written, `stoppedEarly` set).
 * `print` gets the progress lines.
 */
export async function runLoad(
  o: LoadOptions,
  print: (line: string) => void = () => undefined,
  signal?: AbortSignal,
): Promise<LoadResult> {
  const startedAt = new Date().toISOString();
  let server: ServerProcess | null = null;
  let space: PreparedSpace | null = null;
  let bots: SpeakerBotThread | null = null;
  const metrics = new LoadMetrics(o.stallMs);
  let joiner: Joiner | null = null;
  let tier: ListenerTier | null = null;
  try {
    if (o.spawnServer) {
      server = await spawnServer(o.serverCpus);
      print(`spawned server pid ${server.pid} at ${server.url}`);
    }
    const ogg = o.oggUrl ? new URL(o.oggUrl) : null;
    const base = server?.url ?? ogg?.origin ?? o.url;
    const serverPid = server?.pid ?? (o.serverPid || null);
    space = ogg
      ? { spaceId: '', speakers: [], close: () => Promise.resolve() }
      : o.spaceId
        ? {
            spaceId: o.spaceId,
            speakers: o.token ? [{ token: o.token, id: '' }] : [],
            close: () => Promise.resolve(),
          }
        : await prepareSpace(base, o.speakers, 'rostra load');
    const clip = o.wav ? readWav48kMono(o.wav) : tone(440, 2);
    const tokens = space.speakers.slice(0, o.speakers).map((a) => a.token);
    if (tokens.length > 0)
      bots = await SpeakerBotThread.start({ baseUrl: base, spaceId: space.spaceId, tokens, clip });
    print(
      ogg ? `listening to ${o.oggUrl}` : `space ${space.spaceId} live with ${tokens.length} speaker bot(s)`,
    );
    const target = {
      // listeners may go through a cache in front of the node (--listen-url)
      baseUrl: o.listenUrl || base,
      spaceId: space.spaceId,
      ...(ogg ? { streamPath: ogg.pathname + ogg.search } : {}),
    };
    tier = createTier(o.tier, metrics);
    await tier.check(target);

    // baseline before any listener: server CPU/RSS, mixer on-time, speaker-to-speaker delay
    let baseline = { pct: 0, rss: 0 };
    const mixer: NodeReadings = { before: null, baselineEnd: null, steadyStart: null, end: null };
    if (serverPid || bots) {
      // a freshly started server is still compiling and warming up, and the speakers' DTLS
      // handshakes have just run: measured at once, its "idle" CPU read ~2x the steady figure
      await sleep(o.settleS * 1000);
      const a = serverPid ? readProc(serverPid) : null;
      mixer.before = ogg ? null : await readNodeCounters(base);
      if (bots) bots.phase = 'baseline';
      await sleep(o.baselineS * 1000);
      if (bots) bots.phase = 'load';
      mixer.baselineEnd = ogg ? null : await readNodeCounters(base);
      const b = serverPid ? readProc(serverPid) : null;
      if (a && b)
        baseline = {
          pct: (b.cpuUs - a.cpuUs) / 1e4 / o.baselineS,
          rss: b.rssBytes,
        };
    }

    const t0 = Date.now();
    const sampler = new Sampler(metrics, t0, serverPid, o.edgePid || null);
    joiner = new Joiner(o, tier, target, metrics);
    joiner.start();
    const endAt = t0 + o.durationS * 1000;
    let steadyAt = Infinity;
    while (Date.now() < endAt && !signal?.aborted) {
      await pause(Math.min(1000 - ((Date.now() - t0) % 1000), endAt - Date.now()), signal);
      if (steadyAt === Infinity && joiner.lastAt) {
        // everyone attempted: the steady window starts once the connects settled plus warm-up
        const settled = metrics.attempts - metrics.joined - metrics.failedJoins <= 0;
        if (settled) steadyAt = Date.now() + o.warmupS * 1000;
      }
      if (!metrics.steady && Date.now() >= steadyAt) {
        metrics.steady = true;
        if (bots) bots.phase = 'steady';
        if (mixer.before) mixer.steadyStart = await readNodeCounters(base);
      }
      const s = sampler.sample();
      if (!o.quiet) print(progressLine(s, o.listeners));
      if (server && serverPid && !readProc(serverPid)) throw new Error('the spawned server exited');
    }
    joiner.stop();
    sampler.stop();
    if (bots) bots.phase = 'load';
    const reading = bots ? await bots.read() : NO_BOTS;
    if (mixer.before) mixer.end = await readNodeCounters(base);
    metrics.steady = false;
    const finishedAt = new Date().toISOString();
    const report = buildReport({
      o,
      startedAt,
      finishedAt,
      metrics,
      sampler,
      joiner,
      target: { url: base, listenUrl: o.listenUrl || base, spaceId: space.spaceId, tier: o.tier, serverPid },
      baseline,
      speakers: reading.speakers,
      stage: stageReport(reading, mixer),
      origin: { hlsRequestsPerSecond: hlsRequestRate(mixer.steadyStart, mixer.end) },
      stoppedEarly: signal?.aborted ?? false,
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? '?',
        node: process.version,
        fdLimit: fdLimit(),
        loopbackRpsCpus: loopbackRpsCpus(),
      },
    });
    await closeListeners(joiner);
    const dir = resolve(o.outDir);
    mkdirSync(dir, { recursive: true });
    const reportPath = join(dir, 'report.json');
    const chartPath = join(dir, 'chart.svg');
    writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(chartPath, renderChart(report));
    return { report, reportPath, chartPath };
  } finally {
    joiner?.stop();
    if (joiner) await closeListeners(joiner);
    tier?.close?.();
    await bots?.stop();
    await space?.close().catch(() => undefined);
    await server?.stop();
  }
}

const closing = new WeakSet<Joiner>();
async function closeListeners(joiner: Joiner): Promise<void> {
  if (closing.has(joiner)) return;
  closing.add(joiner);
  for (const l of joiner.listeners) l.close();
  await sleep(CLOSE_GRACE_MS);
  for (const l of joiner.listeners) l.destroy();
}
