import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Limiter } from './limiter.js';
import { toneLevel, sine } from '../../test/helpers/audio-goertzel.js';

const sumOf = (a: Int16Array, b: Int16Array): Float32Array => Float32Array.from(a, (v, i) => v + (b[i] ?? 0));

void test('two loud tones summed stay below full scale after the limiter', () => {
  const a = sine(440, 30_000, 1);
  const b = sine(1000, 30_000, 1);
  const limiter = new Limiter();
  let peak = 0;
  const out: number[] = [];
  for (let off = 0; off < a.length; off += 960) {
    const frame = limiter.process(sumOf(a.subarray(off, off + 960), b.subarray(off, off + 960)));
    for (const v of frame) peak = Math.max(peak, Math.abs(v));
    out.push(...frame);
  }
  assert.ok(peak <= limiter.ceiling + 1, `peak ${peak} above ceiling ${limiter.ceiling}`);
  assert.ok(peak < 32767, 'no sample reaches full scale');
  // no clipping: the output holds both tones, not a squared-off wave with harmonics
  const tail = out.slice(24_000);
  assert.ok(toneLevel(tail, 440) > 10_000);
  assert.ok(toneLevel(tail, 1000) > 10_000);
  assert.ok(toneLevel(tail, 1320) < 300, 'third harmonic of 440 Hz stays absent');
});

void test('quiet audio passes through the limiter unchanged', () => {
  const a = sine(440, 8000, 0.1);
  const limiter = new Limiter();
  const out = limiter.process(Float32Array.from(a.subarray(0, 960)));
  assert.deepEqual(Array.from(out), Array.from(a.subarray(0, 960)));
});

void test('gain recovers towards unity after a loud burst', () => {
  const limiter = new Limiter({ releaseMs: 50 });
  limiter.process(Float32Array.from(sine(440, 30_000, 0.02), (v) => v * 2));
  assert.ok(limiter.gain < 0.6);
  for (let i = 0; i < 25; i++) limiter.process(Float32Array.from(sine(440, 1000, 0.02)));
  assert.ok(limiter.gain > 0.99, `gain ${limiter.gain}`);
});
