/**
 * Checks on a decoded replay, shared by the recording tests: ffmpeg decodes a replay (URL or
 * file) to 48 kHz mono s16le, 96 bytes per ms.
 */
import { runFfmpeg, toneRatio } from '../../src/audience/ogg/testkit.js';

/** decodes a replay playlist, download or clip; `stdout` is the PCM */
export const decodeReplay = (input: string) =>
  runFfmpeg(['-i', input, '-f', 's16le', '-ac', '1', '-ar', '48000', '-'], 30_000);

/** the PCM from `fromMs` to `toMs` (ms of replay) */
export const pcmSlice = (pcm: Uint8Array, fromMs: number, toMs: number): Uint8Array =>
  pcm.subarray(Math.round(fromMs) * 96, Math.round(toMs) * 96);

/** median 440 Hz ratio over 100 ms blocks (robust to a phase jump where a packet was concealed) */
export function toneIn(pcm: Uint8Array, hz = 440): number {
  const ratios: number[] = [];
  for (let at = 0; at + 9600 <= pcm.length; at += 9600)
    ratios.push(toneRatio(pcm.subarray(at, at + 9600), hz));
  ratios.sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)] ?? 0;
}

/** the longest of a timeline's gaps ({atMs: 0, durationMs: 0} when there is none) */
export function longestGap(gaps: readonly { atMs: number; durationMs: number }[]): {
  atMs: number;
  durationMs: number;
} {
  return gaps.reduce((m, g) => (g.durationMs > m.durationMs ? g : m), { atMs: 0, durationMs: 0 });
}
