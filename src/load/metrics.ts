/**
 * Everything the listeners measure, aggregated: counters and histograms shared by all probes,
 * plus an "interval" delay histogram that the sampler reads and resets once a second for the
 * time series. Lifecycle: created by the run, probes made with `probe()`, read by the sampler,
 * summarised by the report.
 */
import { Histogram } from './histogram.js';
import { ListenerProbe, type ProbeMetrics } from './probe.js';

export class LoadMetrics implements ProbeMetrics {
  /** stall threshold: excess arrival gap, ms */
  readonly stallMs: number;
  readonly probes: ListenerProbe[] = [];

  attempts = 0;
  joined = 0;
  /** joined and not yet closed or failed */
  connected = 0;
  peakConnected = 0;
  gotAudio = 0;
  failedJoins = 0;
  /** listeners that were in and then lost by the server's doing (not at the end of the run) */
  dropped = 0;
  readonly failures = new Map<string, number>();
  stalls = 0;
  /** stalls that began inside the steady window */
  steadyStalls = 0;
  seqGaps = 0;
  framesMissing = 0;
  seqRewinds = 0;
  frames = 0;
  bytes = 0;

  readonly joinMs = new Histogram();
  readonly firstAudioMs = new Histogram();
  readonly delayMs = new Histogram();
  readonly stallMsHist = new Histogram();
  /** delay samples since the sampler last looked */
  readonly intervalDelayMs = new Histogram();
  /** delay samples inside the measuring window (after everyone joined and warm-up) */
  readonly steadyDelayMs = new Histogram();
  steady = false;

  constructor(stallMs: number) {
    this.stallMs = stallMs;
  }

  probe(now = Date.now()): ListenerProbe {
    const p = new ListenerProbe(this, now);
    this.attempts++;
    this.probes.push(p);
    return p;
  }

  onJoined(ms: number): void {
    this.joined++;
    this.connected++;
    if (this.connected > this.peakConnected) this.peakConnected = this.connected;
    this.joinMs.record(ms);
  }

  onFirstAudio(ms: number): void {
    this.gotAudio++;
    this.firstAudioMs.record(ms);
  }

  onStall(): void {
    this.stalls++;
    if (this.steady) this.steadyStalls++;
  }

  recordDelay(ms: number): void {
    this.delayMs.record(ms);
    this.intervalDelayMs.record(ms);
    if (this.steady) this.steadyDelayMs.record(ms);
  }

  onFailed(reason: string, wasJoined: boolean, hadAudio: boolean): void {
    if (wasJoined) {
      this.connected--;
      this.dropped++;
    } else this.failedJoins++;
    const key = hadAudio || wasJoined ? `dropped:${reason}` : reason;
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  onClosed(byUs: boolean, reason: string, wasJoined: boolean): void {
    if (wasJoined) this.connected--;
    if (!wasJoined && byUs) {
      this.failedJoins++;
      this.failures.set('not_joined_by_end', (this.failures.get('not_joined_by_end') ?? 0) + 1);
    } else if (!byUs) {
      this.dropped++;
      const key = `dropped:${reason}`;
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    }
  }

  /** counts stalls still going on; returns how many listeners are stalled now */
  sweep(now = Date.now()): number {
    let open = 0;
    for (const p of this.probes) if (p.sweep(now)) open++;
    return open;
  }
}
