/**
 * Watches a listener socket's audio for tests and measurements: when each batch arrived, the
 * frames' seq/mixedAt, and (decoding with real libopus) whether each frame carries a tone.
 * Gap = longest silence on the wire between two batches, and between two toned frames.
 */
import { Decoder } from '@evan/opus';
import { decodeAudioBatch } from '../../protocol/audience.js';

export interface FrameSeen {
  /** ms since epoch when the batch holding it arrived */
  at: number;
  seq: number;
  mixedAt: number;
  /** Goertzel amplitude at the probe's frequency */
  tone: number;
}

export class ListenProbe {
  readonly frames: FrameSeen[] = [];
  readonly #decoder = new Decoder({ channels: 1, sample_rate: 48_000 });

  constructor(private readonly hz = 440) {}

  /** feed every binary message of the socket */
  batch(data: Uint8Array, at = Date.now()): void {
    const frames = decodeAudioBatch(data);
    if (!frames) return;
    for (const f of frames) {
      let tone = 0;
      try {
        const pcm = this.#decoder.decode(f.opus);
        const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
        tone = goertzel(samples, this.hz);
      } catch {
        tone = 0;
      }
      this.frames.push({ at, seq: f.seq, mixedAt: f.mixedAt, tone });
    }
  }

  /** frames that arrived at or after `since` */
  after(since: number): FrameSeen[] {
    return this.frames.filter((f) => f.at >= since);
  }

  /** longest wait between two consecutive batches within [from, to], ms */
  longestGap(from: number, to = Date.now()): { ms: number; lastBefore: number; firstAfter: number } {
    const ats = [...new Set(this.frames.filter((f) => f.at >= from && f.at <= to).map((f) => f.at))];
    let best = { ms: 0, lastBefore: from, firstAfter: from };
    for (let i = 1; i < ats.length; i++) {
      const a = ats[i - 1] as number;
      const b = ats[i] as number;
      if (b - a > best.ms) best = { ms: b - a, lastBefore: a, firstAfter: b };
    }
    return best;
  }

  /** longest stretch between two toned frames within [from, to] (by arrival), ms */
  longestToneGap(from: number, threshold: number, to = Date.now()): number {
    const toned = this.frames.filter((f) => f.at >= from && f.at <= to && f.tone >= threshold);
    let best = 0;
    for (let i = 1; i < toned.length; i++)
      best = Math.max(best, (toned[i]?.at ?? 0) - (toned[i - 1]?.at ?? 0));
    return best;
  }
}

function goertzel(samples: Int16Array, freq: number, sampleRate = 48_000): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const s0 = (samples[i] ?? 0) * win + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / (n * 0.5);
}
