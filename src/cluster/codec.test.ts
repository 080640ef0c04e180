import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, encodeAudio, encodeJson } from './codec.js';
import type { NodeId } from '../protocol/ids.js';

test('an audio envelope carries the fencing token and the frames, byte for byte', () => {
  const frames = [
    { seq: 4_294_967_295, mixedAt: 1_700_000_000_000.5, opus: new Uint8Array([1, 2, 3]) },
    { seq: 0, mixedAt: 1_700_000_000_020.5, opus: new Uint8Array([9]) },
  ];
  const d = decode(encodeAudio(42, frames));
  assert.equal(d?.kind, 'audio');
  if (d?.kind !== 'audio') return;
  assert.equal(d.token, 42);
  assert.deepEqual(
    d.frames.map((f) => [f.seq, f.mixedAt, [...f.opus]]),
    [
      [4_294_967_295, 1_700_000_000_000.5, [1, 2, 3]],
      [0, 1_700_000_000_020.5, [9]],
    ],
  );
});

test('decoded frames do not alias the bus buffer (it may be reused after the handler)', () => {
  const data = encodeAudio(1, [{ seq: 1, mixedAt: 0, opus: new Uint8Array([7, 7]) }]);
  const d = decode(data);
  data.fill(0);
  assert.ok(d?.kind === 'audio' && d.frames[0]?.opus[0] === 7);
});

test('a JSON envelope round-trips a cluster message', () => {
  const msg = { t: 'node', node: 'n1' as NodeId, url: 'http://127.0.0.1:1', draining: true } as const;
  assert.deepEqual(decode(encodeJson(msg)), { kind: 'json', msg });
});

test('garbage never throws and decodes to null', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const d = decode(bytes);
      assert.ok(d === null || d.kind === 'audio' || d.kind === 'json');
    }),
  );
  assert.equal(decode(new Uint8Array([2, ...Buffer.from('{"no":1}')])), null);
  assert.equal(decode(new Uint8Array([2, ...Buffer.from('not json')])), null);
  assert.equal(decode(new Uint8Array([9, 9, 9])), null);
});
