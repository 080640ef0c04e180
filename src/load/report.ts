/** The JSON report of one load run (written as report.json; also returned by runLoad). */
import type { Percentiles } from './histogram.js';
import type { LoadOptions } from './options.js';

/** one point of the time series, taken once a second */
export interface Sample {
  /** seconds since the first join */
  t: number;
  /** listeners joined and still connected */
  listeners: number;
  /** delay behind live over the last second, ms (0 when no audio arrived) */
  delayP50: number;
  delayP99: number;
  /** stalls so far */
  stalls: number;
  /** listeners stalled right now */
  stalledNow: number;
  failedJoins: number;
  /** CPU of this process over the last second, % of one core */
  clientCpuPct: number;
  /** CPU of the server over the last second, % of one core; null when not measured */
  serverCpuPct: number | null;
  /** CPU of the cache in front of the node (--edge-pid), % of one core; null when not measured */
  edgeCpuPct: number | null;
  serverRssMb: number | null;
  /** worst event-loop delay of the load tool in this second, ms: large = the tool itself lagged */
  toolLagMs: number;
}

export interface SpeakerReport {
  framesSent: number;
  connectMs: number;
  lateFrames: number;
}

export interface LoadReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  /** the run was stopped (SIGINT/SIGTERM) before --duration */
  stoppedEarly: boolean;
  machine: {
    cpus: number;
    model: string;
    node: string;
    fdLimit: number;
    /**
     * CPU mask of Receive Packet Steering on the loopback device ('0': off, the sender's core
     * does the receiver's kernel work; docs/benchmarks.md), '' when unreadable
     */
    loopbackRpsCpus: string;
  };
  options: Omit<LoadOptions, 'token'>;
  target: {
    /** the node */
    url: string;
    /** where the listeners connected: the node, or a cache in front of it (--listen-url) */
    listenUrl: string;
    spaceId: string;
    tier: string;
    serverPid: number | null;
  };
  listeners: {
    requested: number;
    attempted: number;
    joined: number;
    peakConnected: number;
    gotAudio: number;
    /** attempts that never got any audio */
    noAudio: number;
    failedJoins: number;
    /** in, then closed by the server before the end */
    dropped: number;
    /** failure and drop causes -> count */
    failures: Record<string, number>;
    /** ms from the first to the last join */
    joinSpanMs: number;
  };
  joinMs: Percentiles;
  timeToFirstAudioMs: Percentiles;
  /** all batches of the run */
  delayMs: Percentiles;
  /** batches inside the steady window only (the whole run when the window never started) */
  steadyDelayMs: Percentiles;
  stalls: {
    count: number;
    /** of which began in the steady window (everyone joined, after warm-up) */
    steadyCount: number;
    listenersStalledAtEnd: number;
    durationMs: Percentiles;
    thresholdMs: number;
  };
  seqGaps: { count: number; framesMissing: number; rewinds: number };
  audio: { frames: number; bytes: number; bytesPerListenerSecond: number };
  /**
   * where the per-listener-second figures come from: the steady window (everyone joined, after
   * warm-up) or, when it never started (joins did not finish), the whole run
   */
  steadyWindow: {
    fromS: number;
    toS: number;
    listenerSeconds: number;
    used: 'steady' | 'whole-run';
  };
  /** worst one-second event-loop delay of the load tool, ms; stalls seen while it lagged are suspect */
  toolMaxLagMs: number;
  cpu: {
    client: { usPerListenerSecond: number; avgPct: number; rssBytes: number };
    server: {
      /** server CPU in the steady window / listener-seconds in it, µs */
      usPerListenerSecond: number;
      /** the same after subtracting the server's CPU rate before any listener joined */
      netUsPerListenerSecond: number;
      baselinePct: number;
      avgPct: number;
      rssBaselineBytes: number;
      rssPeakBytes: number;
      /** (peak RSS - baseline RSS) / peak listeners */
      rssPerListenerBytes: number;
    } | null;
    /** a cache in front of the node (--edge-pid): its CPU in the same window; null when not measured */
    edge: { usPerListenerSecond: number; avgPct: number } | null;
  };
  /** what reached the node itself in the steady window (from its /metrics) */
  origin: {
    /** LL-HLS requests per second the node answered; with a cache in front, what it let through */
    hlsRequestsPerSecond: number | null;
  };
  speakers: SpeakerReport[];
  /** the speakers' path: before any listener (baseline) vs the steady window under load */
  stage: {
    /** bot-to-bot delay of forwarded speech, ms (needs 2+ speaker bots) */
    speakerToSpeakerMs: { all: Percentiles; baseline: Percentiles; steady: Percentiles };
    /** forwarded packets that matched no remembered payload */
    unmatchedForwarded: number;
    /** share of mixer ticks on time (from /metrics); null when not measured */
    mixerOnTime: { baseline: number | null; steady: number | null };
  };
  series: Sample[];
}
