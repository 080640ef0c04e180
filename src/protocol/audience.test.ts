import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAudioBatch, encodeAudioBatch, FRAME_MS, type AudioFrame } from './audience.js';

const frameArb = fc.record({
  opus: fc.uint8Array({ minLength: 0, maxLength: 200 }),
});

test('an audio batch decodes back to the frames it was made of', () => {
  fc.assert(
    fc.property(
      fc.array(frameArb, { minLength: 1, maxLength: 20 }),
      fc.nat(),
      fc.double({ min: 0, max: 4e12, noNaN: true }),
      (fs, seq, mixedAt) => {
        const frames: AudioFrame[] = fs.map((f, i) => ({
          seq: (seq + i) >>> 0,
          mixedAt: mixedAt + i * FRAME_MS,
          opus: f.opus,
        }));
        const decoded = decodeAudioBatch(encodeAudioBatch(frames));
        assert.ok(decoded);
        assert.equal(decoded.length, frames.length);
        decoded.forEach((d, i) => {
          assert.equal(d.seq, frames[i]!.seq);
          assert.deepEqual([...d.opus], [...frames[i]!.opus]);
        });
      },
    ),
  );
});

test('decoding arbitrary bytes never throws and rejects truncated batches', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void decodeAudioBatch(bytes)));
  const good = encodeAudioBatch([{ seq: 1, mixedAt: 0, opus: new Uint8Array([1, 2, 3]) }]);
  assert.equal(decodeAudioBatch(good.subarray(0, good.length - 1)), null);
  assert.equal(decodeAudioBatch(new Uint8Array([...good, 0])), null, 'trailing bytes are refused');
});

test('encoding refuses empty and oversized batches', () => {
  assert.throws(() => encodeAudioBatch([]), RangeError);
  assert.throws(() => encodeAudioBatch([{ seq: 0, mixedAt: 0, opus: new Uint8Array(2000) }]), RangeError);
});
