/**
 * Once a second: sweeps for ongoing stalls, reads client and server CPU, takes one Sample for
 * the time series and integrates listener-seconds and server CPU inside the steady window.
 */
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadMetrics } from './metrics.js';
import { readProc, selfCpuUs } from './proc.js';
import type { Sample } from './report.js';

export class Sampler {
  readonly series: Sample[] = [];
  /** listener-seconds and CPU inside the steady window */
  steadyListenerS = 0;
  steadyServerUs = 0;
  steadyEdgeUs = 0;
  steadyClientUs = 0;
  steadyFromS = -1;
  steadyToS = -1;
  /** the same over the whole run (used when the steady window never started) */
  allListenerS = 0;
  allServerUs = 0;
  allEdgeUs = 0;
  allClientUs = 0;
  /** worst event-loop delay of this process in any one second, ms (a busy load tool) */
  maxToolLagMs = 0;
  serverPeakRss = 0;
  readonly #lag = monitorEventLoopDelay({ resolution: 10 });
  stalledNow = 0;
  #lastT = 0;
  #lastClient = selfCpuUs();
  #lastServer: number | null;
  #lastEdge: number | null;
  #lastListeners = 0;

  /** `edgePid`: a cache in front of the node whose CPU is measured like the server's */
  constructor(
    private readonly metrics: LoadMetrics,
    private readonly t0: number,
    private readonly serverPid: number | null,
    private readonly edgePid: number | null = null,
  ) {
    this.#lastServer = serverPid ? (readProc(serverPid)?.cpuUs ?? null) : null;
    this.#lastEdge = edgePid ? (readProc(edgePid)?.cpuUs ?? null) : null;
    this.#lag.enable();
    this.series.push({
      t: 0,
      listeners: 0,
      delayP50: 0,
      delayP99: 0,
      stalls: 0,
      stalledNow: 0,
      failedJoins: 0,
      clientCpuPct: 0,
      serverCpuPct: null,
      edgeCpuPct: null,
      serverRssMb: null,
      toolLagMs: 0,
    });
  }

  /** stops the event-loop monitor; idempotent */
  stop(): void {
    this.#lag.disable();
  }

  sample(now = Date.now()): Sample {
    const m = this.metrics;
    const t = (now - this.t0) / 1000;
    const dt = Math.max(1e-3, t - this.#lastT);
    const client = selfCpuUs();
    const clientUs = client - this.#lastClient;
    const proc = this.serverPid ? readProc(this.serverPid) : null;
    const serverUs = proc && this.#lastServer !== null ? proc.cpuUs - this.#lastServer : null;
    if (proc) this.serverPeakRss = Math.max(this.serverPeakRss, proc.rssBytes);
    const edge = this.edgePid ? readProc(this.edgePid) : null;
    const edgeUs = edge && this.#lastEdge !== null ? edge.cpuUs - this.#lastEdge : null;
    this.stalledNow = m.sweep(now);
    const intervalListenerS = ((this.#lastListeners + m.connected) / 2) * dt;
    this.allListenerS += intervalListenerS;
    this.allServerUs += serverUs ?? 0;
    this.allEdgeUs += edgeUs ?? 0;
    this.allClientUs += clientUs;
    const lagMs = Math.max(0, Math.round(this.#lag.max / 1e6 - 10));
    this.#lag.reset();
    if (lagMs > this.maxToolLagMs) this.maxToolLagMs = lagMs;
    if (m.steady) {
      if (this.steadyFromS < 0) this.steadyFromS = this.#lastT;
      this.steadyToS = t;
      // trapezoid: listeners at the start and end of this interval
      this.steadyListenerS += intervalListenerS;
      this.steadyServerUs += serverUs ?? 0;
      this.steadyEdgeUs += edgeUs ?? 0;
      this.steadyClientUs += clientUs;
    }
    const s: Sample = {
      t: Math.round(t * 10) / 10,
      listeners: m.connected,
      delayP50: m.intervalDelayMs.quantile(0.5),
      delayP99: m.intervalDelayMs.quantile(0.99),
      stalls: m.stalls,
      stalledNow: this.stalledNow,
      failedJoins: m.failedJoins,
      clientCpuPct: round1(clientUs / 1e4 / dt),
      serverCpuPct: serverUs === null ? null : round1(serverUs / 1e4 / dt),
      edgeCpuPct: edgeUs === null ? null : round1(edgeUs / 1e4 / dt),
      serverRssMb: proc ? round1(proc.rssBytes / 2 ** 20) : null,
      toolLagMs: lagMs,
    };
    m.intervalDelayMs.reset();
    this.#lastT = t;
    this.#lastClient = client;
    this.#lastServer = proc?.cpuUs ?? this.#lastServer;
    this.#lastEdge = edge?.cpuUs ?? this.#lastEdge;
    this.#lastListeners = m.connected;
    this.series.push(s);
    return s;
  }
}

export function progressLine(s: Sample, requested: number): string {
  const cpu =
    `cpu load ${s.clientCpuPct}%` +
    (s.serverCpuPct === null ? '' : ` server ${s.serverCpuPct}%`) +
    (s.edgeCpuPct === null ? '' : ` edge ${s.edgeCpuPct}%`);
  const rss = s.serverRssMb === null ? '' : ` rss ${s.serverRssMb}MB`;
  return (
    `t=${s.t.toFixed(0)}s listeners ${s.listeners}/${requested} delay p50 ${s.delayP50}ms p99 ${s.delayP99}ms` +
    ` stalls ${s.stalls} (now ${s.stalledNow}) failed ${s.failedJoins} ${cpu}${rss}` +
    (s.toolLagMs >= 100 ? ` TOOL LAG ${s.toolLagMs}ms` : '')
  );
}

export const cpuCount = (): number => cpus().length;
const round1 = (v: number) => Math.round(v * 10) / 10;
