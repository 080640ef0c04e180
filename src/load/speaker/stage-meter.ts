/**
 * What the speakers' path does under listener load:
 * - speaker-to-speaker delay: every bot notes when it sent each Opus payload; every bot that
 *   receives a forwarded packet (the server forwards payloads unchanged) looks the payload up
 *   and records now - sent, ms. Needs 2+ speaker bots in this process (same clock).
 * (the mixer's on-time rate comes from the node's /metrics: ../node-counters.ts)
 * Phases: `baseline` (before any listener joins), `steady` (the steady window), others only
 * count into the whole-run histogram.
 */
import { Histogram } from '../histogram.js';

/** payloads remembered for matching (~4 s of 20 ms frames from 12 speakers) */
const REMEMBER = 2400;

export type MeterPhase = 'setup' | 'baseline' | 'load' | 'steady';

export class StageMeter {
  readonly #sent = new Map<string, number>();
  phase: MeterPhase = 'setup';
  readonly all = new Histogram();
  readonly baseline = new Histogram();
  readonly steady = new Histogram();
  /** forwarded packets whose payload was not (or no longer) remembered */
  unmatched = 0;

  sent(payload: Uint8Array): void {
    this.#sent.set(
      Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
      performance.now(),
    );
    if (this.#sent.size > REMEMBER) {
      const oldest = this.#sent.keys().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
  }

  received(payload: Uint8Array): void {
    const at = this.#sent.get(
      Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
    );
    if (at === undefined) {
      this.unmatched++;
      return;
    }
    const ms = performance.now() - at;
    this.all.record(ms);
    if (this.phase === 'baseline') this.baseline.record(ms);
    else if (this.phase === 'steady') this.steady.record(ms);
  }
}
