/**
 * Opens listeners on schedule with ONE timer for all of them (every 10 ms):
 *   steady  as fast as possible with at most `concurrency` connects in flight
 *   ramp    evenly over rampS seconds (due(t) = N × t / rampS)
 *   storm   the same schedule, meant for a short rampS (all N within it), no in-flight cap
 * Lifecycle: start() -> opens until N -> done (resolves `finished`); stop() ends early.
 */
import type { LoadMetrics } from './metrics.js';
import { LoadMode } from './options.js';
import type { ListenerTier, TierListener, TierTarget } from './tiers/tier.js';

/** ms between scheduling passes */
const TICK_MS = 10;

export class Joiner {
  readonly listeners: TierListener[] = [];
  /** Date.now() of the first and the last open */
  firstAt = 0;
  lastAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #resolve: () => void = () => undefined;
  readonly finished = new Promise<void>((resolve) => (this.#resolve = resolve));

  constructor(
    private readonly o: {
      listeners: number;
      mode: LoadMode;
      rampS: number;
      concurrency: number;
    },
    private readonly tier: ListenerTier,
    private readonly target: TierTarget,
    private readonly metrics: LoadMetrics,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.firstAt = Date.now();
    this.#tick();
    if (this.listeners.length < this.o.listeners) this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  /** how many should be open by now */
  #due(now: number): number {
    const n = this.o.listeners;
    if (this.o.mode === LoadMode.steady) {
      const m = this.metrics;
      const inFlight = m.attempts - m.joined - m.failedJoins;
      return Math.min(n, this.listeners.length + Math.max(0, this.o.concurrency - inFlight));
    }
    const span = this.o.rampS * 1000;
    return span <= 0 ? n : Math.min(n, Math.floor((n * (now - this.firstAt)) / span) + 1);
  }

  #tick(): void {
    const now = Date.now();
    const due = this.#due(now);
    while (this.listeners.length < due)
      this.listeners.push(this.tier.open(this.target, this.metrics.probe(now)));
    if (this.listeners.length >= this.o.listeners) {
      this.lastAt = Date.now();
      this.stop();
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (!this.lastAt) this.lastAt = Date.now();
    this.#resolve();
  }
}
