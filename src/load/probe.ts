/**
 * Per-listener measurement, kept tiny: one ListenerProbe object (a dozen numbers) per simulated
 * listener, no timers, nothing decoded. Every event folds straight into the shared LoadMetrics
 * (histograms and counters); a once-a-second sweep (LoadMetrics.sweep) finds stalls that are
 * still going on.
 *
 * Definitions (docs/benchmarks.md):
 * - time to first audio: connect start -> first audio byte parsed, ms
 * - delay behind live: arrival wall clock - mixedAt of the FIRST frame of a batch, ms (the oldest
 *   frame in the batch, so it includes the batching wait); same machine clock as the server
 * - stall: the next audio arrives more than `stallMs` after ALL the audio received so far ran
 *   out, for a player that started playing at the first arrival (playout end = first arrival +
 *   every batch's duration, restarted at an arrival after it ran dry); its duration is that
 *   excess. So a short batch followed by a long wait is not a stall while earlier audio still
 *   plays, as for a real player whose buffer holds more than one batch
 * - seq gap: frames skipped between two batches (the server skips slow listeners' batches)
 */
import type { Histogram } from './histogram.js';

/** What a probe folds its events into (LoadMetrics in metrics.ts). */
export interface ProbeMetrics {
  /** stall threshold: excess arrival gap, ms */
  readonly stallMs: number;
  readonly stallMsHist: Histogram;
  seqGaps: number;
  framesMissing: number;
  seqRewinds: number;
  frames: number;
  onJoined(ms: number): void;
  onFirstAudio(ms: number): void;
  onStall(): void;
  recordDelay(ms: number): void;
  onFailed(reason: string, wasJoined: boolean, hadAudio: boolean): void;
  onClosed(byUs: boolean, reason: string, wasJoined: boolean): void;
}

export const ProbeState = {
  connecting: 0,
  joined: 1,
  closed: 2,
  failed: 3,
} as const;
export type ProbeState = (typeof ProbeState)[keyof typeof ProbeState];

export class ListenerProbe {
  state: ProbeState = ProbeState.connecting;
  /** Date.now() when the connect started */
  readonly startedAt: number;
  /** Date.now() of the first audio, 0 before */
  firstAudioAt = 0;
  /** Date.now() at which the audio received so far has all been played (see the stall rule) */
  playoutEnd = 0;
  /** seq expected next, -1 before the first batch */
  nextSeq = -1;
  /** a stall was counted by the sweep and has not ended yet */
  stallOpen = false;

  constructor(
    private readonly metrics: ProbeMetrics,
    now: number,
  ) {
    this.startedAt = now;
  }

  /** the server admitted the listener (welcome / 200) */
  joined(now: number): void {
    if (this.state !== ProbeState.connecting) return;
    this.state = ProbeState.joined;
    this.metrics.onJoined(now - this.startedAt);
  }

  /** the join failed before any audio; `reason` is an error code or a short cause */
  failed(reason: string): void {
    if (this.state === ProbeState.closed || this.state === ProbeState.failed) return;
    const wasJoined = this.state === ProbeState.joined;
    this.state = ProbeState.failed;
    this.metrics.onFailed(reason, wasJoined, this.firstAudioAt > 0);
  }

  /** one run of consecutive frames arrived; mixedAt NaN when the tier carries no clock */
  audio(now: number, seq: number, frames: number, mixedAt: number): void {
    if (this.state === ProbeState.closed || this.state === ProbeState.failed) return;
    const m = this.metrics;
    if (this.firstAudioAt === 0) {
      this.firstAudioAt = now;
      if (this.state === ProbeState.connecting) this.joined(now);
      m.onFirstAudio(now - this.startedAt);
    } else {
      const excess = now - this.playoutEnd;
      if (excess > m.stallMs) {
        if (!this.stallOpen) m.onStall();
        m.stallMsHist.record(excess);
      }
      if (seq !== this.nextSeq) {
        const missing = (seq - this.nextSeq) >>> 0;
        if (missing < 0x80000000) {
          m.seqGaps++;
          m.framesMissing += missing;
        } else m.seqRewinds++;
      }
    }
    this.stallOpen = false;
    this.playoutEnd = Math.max(now, this.playoutEnd) + frames * 20;
    this.nextSeq = (seq + frames) >>> 0;
    m.frames += frames;
    if (mixedAt === mixedAt) m.recordDelay(now - mixedAt);
  }

  /** counts a stall that is going on now; called by the sweep, returns true if open */
  sweep(now: number): boolean {
    if (this.state !== ProbeState.joined || this.firstAudioAt === 0) return false;
    if (!this.stallOpen && now - this.playoutEnd > this.metrics.stallMs) {
      this.stallOpen = true;
      this.metrics.onStall();
    }
    return this.stallOpen;
  }

  /** the connection ended (by us at the end of the run, or by the server) */
  closed(byUs: boolean, reason: string): void {
    if (this.state === ProbeState.closed || this.state === ProbeState.failed) return;
    if (!byUs && this.state === ProbeState.connecting) return this.failed(reason);
    const wasJoined = this.state === ProbeState.joined;
    this.state = ProbeState.closed;
    if (this.stallOpen) this.metrics.stallMsHist.record(Date.now() - this.playoutEnd);
    this.stallOpen = false;
    this.metrics.onClosed(byUs, reason, wasJoined);
  }
}
