import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Histogram } from './histogram.js';

void test('small values are exact and percentiles follow the samples', () => {
  const h = new Histogram();
  for (let v = 1; v <= 7; v++) h.record(v);
  assert.equal(h.quantile(0.5), 4);
  assert.equal(h.quantile(1), 7);
  assert.deepEqual(h.summary().count, 7);
  assert.equal(h.summary().min, 1);
});

void test('a recorded value is reported within 12.5% above it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (v) => {
      const h = new Histogram();
      h.record(v);
      const q = h.quantile(0.5);
      assert.ok(q >= v && q <= v * 1.125 + 1, `${v} -> ${q}`);
    }),
  );
});

void test('p99 of 1..1000 is near 990 and merging adds samples', () => {
  const a = new Histogram();
  const b = new Histogram();
  for (let v = 1; v <= 500; v++) a.record(v);
  for (let v = 501; v <= 1000; v++) b.record(v);
  a.merge(b);
  assert.equal(a.count, 1000);
  const p99 = a.quantile(0.99);
  assert.ok(p99 >= 990 && p99 <= 1000 * 1.125, String(p99));
  assert.equal(a.summary().max, 1000);
  a.reset();
  assert.equal(a.quantile(0.99), 0);
});
