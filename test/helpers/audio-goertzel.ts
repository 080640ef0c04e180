/**
 * Goertzel tone detection for tests: how strong is one frequency in a block of PCM.
 * `toneLevel` returns the amplitude of `freq` (same units as the samples, ~ peak of a pure
 * sine), so a 10000-peak 440 Hz sine gives ~10000 at 440 Hz and ~0 at 1000 Hz.
 */
export function toneLevel(samples: ArrayLike<number>, freq: number, sampleRate = 48_000): number {
  const n = samples.length;
  if (n === 0) return 0;
  const w = (2 * Math.PI * freq) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    // Hann window keeps leakage from a strong neighbouring tone out of the bin
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const s0 = (samples[i] ?? 0) * win + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // Hann window coherent gain is 0.5
  return (2 * Math.sqrt(Math.max(0, power))) / (n * 0.5);
}

/** Samples of a sine: `amplitude` peak, `freq` Hz, `seconds` long. */
export function sine(freq: number, amplitude: number, seconds: number, sampleRate = 48_000): Int16Array {
  const out = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate));
  return out;
}

/**
 * The strongest level of `freq` over 0.5 s windows of s16le mono 48 kHz bytes (what ffmpeg
 * prints with `-f s16le -ac 1 -ar 48000`), and the level of `offFreq` in that same window.
 */
export function strongestTone(
  s16le: Uint8Array,
  freq = 440,
  offFreq = 1000,
): { tone: number; off: number; seconds: number } {
  const pcm = new Int16Array(s16le.buffer, s16le.byteOffset, Math.floor(s16le.byteLength / 2));
  let tone = 0;
  let off = 0;
  for (let at = 0; at + 24_000 <= pcm.length; at += 24_000) {
    const win = pcm.subarray(at, at + 24_000);
    const level = toneLevel(win, freq);
    if (level > tone) {
      tone = level;
      off = toneLevel(win, offFreq);
    }
  }
  return { tone, off, seconds: pcm.length / 48_000 };
}
