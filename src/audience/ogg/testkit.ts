/**
 * Test support shared by the Ogg and HLS tests (not used at runtime): a real Opus-encoded
 * 440 Hz tone as AudioFrames, a Goertzel tone detector and an ffmpeg runner.
 */
import { spawn } from 'node:child_process';
import { Encoder } from '@evan/opus';
import { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame } from '../../protocol/audience.js';

/** `count` frames of a 440 Hz sine (amplitude 0.3) encoded with libopus at 32 kbps (the mix's rate), seq from `firstSeq`. */
export function toneFrames(
  count: number,
  opts: { firstSeq?: number; startAt?: number; hz?: number; bitrate?: number } = {},
): AudioFrame[] {
  const enc = new Encoder({ channels: 1, sample_rate: SAMPLE_RATE, application: 'voip' });
  enc.bitrate = opts.bitrate ?? 32_000;
  const hz = opts.hz ?? 440;
  const frames: AudioFrame[] = [];
  const pcm = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < count; i++) {
    for (let n = 0; n < FRAME_SAMPLES; n++) {
      const t = (i * FRAME_SAMPLES + n) / SAMPLE_RATE;
      pcm[n] = Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * hz * t));
    }
    frames.push({
      seq: ((opts.firstSeq ?? 1000) + i) >>> 0,
      mixedAt: (opts.startAt ?? Date.UTC(2026, 0, 1)) + i * FRAME_MS,
      opus: new Uint8Array(enc.encode(pcm)),
    });
  }
  return frames;
}

/** Relative power of `hz` in s16le mono PCM at 48 kHz: Goertzel power / total energy, 0..~1. */
export function toneRatio(s16le: Uint8Array, hz = 440): number {
  const view = new DataView(s16le.buffer, s16le.byteOffset, s16le.byteLength);
  const n = Math.floor(s16le.byteLength / 2);
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = view.getInt16(i * 2, true) / 32768;
    energy += x * x;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // a pure sine of n samples gives power = n^2 A^2 / 4 and energy = n A^2 / 2
  return energy === 0 ? 0 : (2 * power) / (n * energy);
}

/** Runs ffmpeg, returns stdout bytes and stderr text; kills it after `timeoutMs`. */
export function runFfmpeg(
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: Uint8Array; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: new Uint8Array(Buffer.concat(out)), stderr: err });
    });
  });
}
