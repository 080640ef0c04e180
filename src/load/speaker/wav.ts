/**
 * WAV in and out for speaker bots: reads 8/16-bit PCM (and 32-bit float) of any rate and channel
 * count and converts it to what the stage takes (48 kHz mono s16); writes 48 kHz mono s16 files;
 * makes a test tone when no file is given.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SAMPLE_RATE } from '../../protocol/audience.js';

/** reads a WAV file into 48 kHz mono samples; throws a clear Error for what it cannot read */
export function readWav48kMono(path: string): Int16Array {
  return decodeWav(readFileSync(path), path);
}

export function decodeWav(b: Buffer, name = 'WAV'): Int16Array {
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${name}: not a RIFF/WAVE file`);
  let format = 0;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  let data: Buffer | null = null;
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    const body = b.subarray(at + 8, Math.min(b.length, at + 8 + size));
    if (id === 'fmt ' && body.length >= 16) {
      format = body.readUInt16LE(0);
      channels = body.readUInt16LE(2);
      rate = body.readUInt32LE(4);
      bits = body.readUInt16LE(14);
      if (format === 0xfffe && body.length >= 26) format = body.readUInt16LE(24); // extensible
    } else if (id === 'data') data = body;
    at += 8 + size + (size & 1);
  }
  if (!data || channels < 1 || rate < 1) throw new Error(`${name}: no fmt or data chunk`);
  const pcm = format === 1 && (bits === 16 || bits === 8);
  const float = format === 3 && bits === 32;
  if (!pcm && !float)
    throw new Error(`${name}: only 8/16-bit PCM or 32-bit float WAV (got format ${format}, ${bits} bit)`);
  const step = (bits / 8) * channels;
  const frames = Math.floor(data.length / step);
  const mono = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const at = i * step + (c * bits) / 8;
      sum +=
        bits === 16
          ? data.readInt16LE(at)
          : bits === 8
            ? (data[at]! - 128) * 256
            : data.readFloatLE(at) * 32767;
    }
    mono[i] = sum / channels;
  }
  return resample(mono, rate);
}

/** linear resampling to 48 kHz, clipped to s16 */
function resample(input: Float64Array, rate: number): Int16Array {
  const outLen = Math.floor((input.length * SAMPLE_RATE) / rate);
  const out = new Int16Array(outLen);
  for (let i = 0; i < outLen; i++) {
    const pos = (i * rate) / SAMPLE_RATE;
    const j = Math.floor(pos);
    const a = input[j] ?? 0;
    const v = a + ((input[j + 1] ?? a) - a) * (pos - j);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** a tone: `freq` Hz at `amplitude` (0..32767) for `seconds`, 48 kHz mono; loops without a click when freq × seconds is whole */
export function tone(freq = 440, seconds = 2, amplitude = 8000): Int16Array {
  const n = Math.round(seconds * SAMPLE_RATE);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE));
  return out;
}

export function encodeWav(samples: Int16Array, rate = SAMPLE_RATE): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, 44 + i * 2);
  return b;
}

export function writeWav(path: string, samples: Int16Array): void {
  writeFileSync(path, encodeWav(samples));
}
