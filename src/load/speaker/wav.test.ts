import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWav, encodeWav, tone } from './wav.js';

void test('a 48 kHz mono WAV reads back sample for sample', () => {
  const t = tone(440, 0.1);
  assert.deepEqual(decodeWav(encodeWav(t)), t);
});

void test('a 16 kHz stereo WAV becomes 48 kHz mono of the same length in time', () => {
  const frames = 1600; // 0.1 s
  const b = Buffer.alloc(44 + frames * 4);
  const mono = encodeWav(new Int16Array(0), 16_000);
  mono.copy(b, 0, 0, 44);
  b.writeUInt16LE(2, 22); // channels
  b.writeUInt32LE(16_000 * 4, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt32LE(frames * 4, 40);
  for (let i = 0; i < frames; i++) {
    b.writeInt16LE(1000, 44 + i * 4);
    b.writeInt16LE(3000, 46 + i * 4);
  }
  const out = decodeWav(b);
  assert.equal(out.length, 4800);
  assert.ok(out.every((s) => s === 2000));
});

void test('a file that is not a WAV is refused with a clear message', () => {
  assert.throws(() => decodeWav(Buffer.from('hello world, not a wav'), 'x.wav'), /x.wav: not a RIFF/);
});
