/**
 * A feed-forward peak limiter for the mix, working on float samples in int16 units.
 * The mixer hands it a whole 20 ms frame, so the frame itself is the look-ahead: the gain
 * for the frame is known before any sample is written, so the output never exceeds the
 * ceiling (no hard clipping when two loud speakers talk at once). Gain recovers towards 1
 * with a release time constant so quiet passages after a loud one are not pumped up abruptly.
 */

export interface LimiterOptions {
  /** output ceiling, in int16 units (default 0.89 of full scale, about -1 dBFS) */
  ceiling?: number;
  /** release time constant, ms */
  releaseMs?: number;
  sampleRate?: number;
}

export class Limiter {
  readonly ceiling: number;
  readonly #releaseCoef: number;
  /** current gain, 0..1 */
  #gain = 1;

  constructor(options: LimiterOptions = {}) {
    this.ceiling = options.ceiling ?? 0.89 * 32767;
    const releaseMs = options.releaseMs ?? 150;
    const rate = options.sampleRate ?? 48_000;
    this.#releaseCoef = 1 - Math.exp(-1 / ((releaseMs / 1000) * rate));
  }

  get gain(): number {
    return this.#gain;
  }

  /** Limits `input` (summed samples, any magnitude) into a new Int16Array. */
  process(input: Float32Array): Int16Array {
    let peak = 0;
    for (const s of input) {
      const a = Math.abs(s);
      if (a > peak) peak = a;
    }
    const frameGain = peak > this.ceiling ? this.ceiling / peak : 1;
    const out = new Int16Array(input.length);
    let g = this.#gain;
    // attack: ramp from the current gain to the frame gain over the first 48 samples (1 ms),
    // but never above what each sample needs, so the ramp cannot overshoot the ceiling
    const ramp = Math.min(48, input.length);
    for (let i = 0; i < input.length; i++) {
      const s = input[i] ?? 0;
      if (frameGain < g) {
        const t = i < ramp ? (i + 1) / ramp : 1;
        g = this.#gain + (frameGain - this.#gain) * t;
        const a = Math.abs(s);
        if (a * g > this.ceiling) g = this.ceiling / a;
      } else {
        g += (frameGain - g) * this.#releaseCoef;
      }
      const v = s * g;
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
    }
    this.#gain = g;
    return out;
  }
}
