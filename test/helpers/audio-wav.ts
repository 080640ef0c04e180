/** Minimal WAV writing for tests: PCM 16-bit little-endian, mono by default. */
import { writeFileSync } from 'node:fs';

export function wavBytes(samples: Int16Array, sampleRate = 48_000, channels = 1): Buffer {
  const dataBytes = samples.length * 2;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * channels * 2, 28); // byte rate
  b.writeUInt16LE(channels * 2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i] ?? 0, 44 + i * 2);
  return b;
}

export function writeWav(path: string, samples: Int16Array, sampleRate = 48_000): void {
  writeFileSync(path, wavBytes(samples, sampleRate));
}
