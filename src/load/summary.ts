/** Turns the metrics, the sampler's series and the run's facts into the LoadReport. */
import type { Joiner } from './joiner.js';
import type { LoadMetrics } from './metrics.js';
import type { LoadOptions } from './options.js';
import { selfCpuUs } from './proc.js';
import type { LoadReport, SpeakerReport } from './report.js';
import type { Sampler } from './sampler.js';
import type { BotsReading } from './speaker/bot-messages.js';
import { onTimeRate, type NodeCounters } from './node-counters.js';

/** the node's /metrics counters at the edges of the baseline and steady windows */
export interface NodeReadings {
  before: NodeCounters | null;
  baselineEnd: NodeCounters | null;
  steadyStart: NodeCounters | null;
  end: NodeCounters | null;
}

export function stageReport(bots: BotsReading, m: NodeReadings): LoadReport['stage'] {
  return {
    speakerToSpeakerMs: bots.speakerToSpeakerMs,
    unmatchedForwarded: bots.unmatchedForwarded,
    mixerOnTime: {
      baseline: onTimeRate(m.before, m.baselineEnd),
      steady: onTimeRate(m.steadyStart, m.end),
    },
  };
}

export interface ReportInput {
  o: LoadOptions;
  startedAt: string;
  finishedAt: string;
  metrics: LoadMetrics;
  sampler: Sampler;
  joiner: Joiner;
  target: LoadReport['target'];
  /** server CPU (% of a core) and RSS before any listener joined */
  baseline: { pct: number; rss: number };
  speakers: SpeakerReport[];
  stage: LoadReport['stage'];
  origin: LoadReport['origin'];
  stoppedEarly: boolean;
  machine: LoadReport['machine'];
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export function buildReport(i: ReportInput): LoadReport {
  const { metrics: m, sampler: s, o } = i;
  const { token: _token, ...options } = o;
  const series = s.series;
  const elapsedS = Math.max(1e-3, series.at(-1)?.t ?? 0);
  const steady = s.steadyListenerS > 0;
  const listenerS = steady ? s.steadyListenerS : s.allListenerS;
  const serverUs = steady ? s.steadyServerUs : s.allServerUs;
  const clientUs = steady ? s.steadyClientUs : s.allClientUs;
  const steadyS = steady ? Math.max(1e-3, s.steadyToS - s.steadyFromS) : elapsedS;
  const serverMeasured = i.target.serverPid !== null && series.some((p) => p.serverCpuPct !== null);
  const serverPcts = series.map((p) => p.serverCpuPct ?? 0);
  const edgeMeasured = series.some((p) => p.edgeCpuPct !== null);
  const edgeUs = steady ? s.steadyEdgeUs : s.allEdgeUs;
  const edgePcts = series.map((p) => p.edgeCpuPct ?? 0);
  const baselineUsPerS = i.baseline.pct * 1e4;
  return {
    version: 1,
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
    stoppedEarly: i.stoppedEarly,
    machine: i.machine,
    options,
    target: i.target,
    listeners: {
      requested: o.listeners,
      attempted: m.attempts,
      joined: m.joined,
      peakConnected: m.peakConnected,
      gotAudio: m.gotAudio,
      noAudio: m.attempts - m.gotAudio,
      failedJoins: m.failedJoins,
      dropped: m.dropped,
      failures: Object.fromEntries(m.failures),
      joinSpanMs: i.joiner.lastAt - i.joiner.firstAt,
    },
    joinMs: m.joinMs.summary(),
    timeToFirstAudioMs: m.firstAudioMs.summary(),
    delayMs: m.delayMs.summary(),
    steadyDelayMs: (steady ? m.steadyDelayMs : m.delayMs).summary(),
    stalls: {
      count: m.stalls,
      steadyCount: m.steadyStalls,
      listenersStalledAtEnd: s.stalledNow,
      durationMs: m.stallMsHist.summary(),
      thresholdMs: m.stallMs,
    },
    seqGaps: {
      count: m.seqGaps,
      framesMissing: m.framesMissing,
      rewinds: m.seqRewinds,
    },
    audio: {
      frames: m.frames,
      bytes: m.bytes,
      bytesPerListenerSecond: listenerS > 0 ? round(m.bytes / Math.max(1, sumListenerSeconds(i))) : 0,
    },
    steadyWindow: {
      fromS: steady ? round(Math.max(0, s.steadyFromS)) : 0,
      toS: steady ? round(Math.max(0, s.steadyToS)) : round(elapsedS),
      listenerSeconds: round(listenerS),
      used: steady ? 'steady' : 'whole-run',
    },
    toolMaxLagMs: s.maxToolLagMs,
    cpu: {
      client: {
        usPerListenerSecond: listenerS > 0 ? round(clientUs / listenerS) : 0,
        avgPct: round(selfCpuUs() / 1e4 / elapsedS),
        rssBytes: process.memoryUsage.rss(),
      },
      server: serverMeasured
        ? {
            usPerListenerSecond: listenerS > 0 ? round(serverUs / listenerS, 2) : 0,
            netUsPerListenerSecond:
              listenerS > 0 ? round((serverUs - baselineUsPerS * steadyS) / listenerS, 2) : 0,
            baselinePct: round(i.baseline.pct),
            avgPct: round(serverPcts.reduce((a, b) => a + b, 0) / Math.max(1, serverPcts.length)),
            rssBaselineBytes: i.baseline.rss,
            rssPeakBytes: s.serverPeakRss,
            rssPerListenerBytes:
              m.peakConnected > 0 ? Math.round((s.serverPeakRss - i.baseline.rss) / m.peakConnected) : 0,
          }
        : null,
      edge: edgeMeasured
        ? {
            usPerListenerSecond: listenerS > 0 ? round(edgeUs / listenerS, 2) : 0,
            avgPct: round(edgePcts.reduce((a, b) => a + b, 0) / Math.max(1, edgePcts.length)),
          }
        : null,
    },
    origin: i.origin,
    speakers: i.speakers,
    stage: i.stage,
    series,
  };
}

/** listener-seconds over the whole run, from the once-a-second series */
function sumListenerSeconds(i: ReportInput): number {
  let total = 0;
  let lastT = 0;
  for (const p of i.sampler.series) {
    total += p.listeners * (p.t - lastT);
    lastT = p.t;
  }
  return total;
}
