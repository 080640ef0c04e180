import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlotRewriter } from './slot-rewriter.js';
import { SlotTable } from './slots.js';
import { asUserId } from '../protocol/ids.js';

void test('a slot switching speakers keeps seq +1 and timestamps advancing with time', () => {
  const r = new SlotRewriter(() => 0.5);
  const a1 = r.rewrite('a', 100, 5000, 0);
  const a2 = r.rewrite('a', 101, 5960, 20);
  assert.equal(a2.seq, (a1.seq + 1) & 0xffff);
  assert.equal(a2.timestamp, a1.timestamp + 960);
  const b1 = r.rewrite('b', 40_000, 123, 1020); // another speaker, 1 s later
  assert.equal(b1.seq, (a2.seq + 1) & 0xffff);
  assert.equal(b1.timestamp, a2.timestamp + 48_000);
  const b2 = r.rewrite('b', 40_001, 1083, 1040);
  assert.equal(b2.seq, (b1.seq + 1) & 0xffff);
  assert.equal(b2.timestamp, b1.timestamp + 960);
});

void test('a restarted slot continues without a seq gap after a mute', () => {
  const r = new SlotRewriter(() => 0);
  const first = r.rewrite('a', 10, 0, 0);
  r.restart();
  const after = r.rewrite('a', 510, 480_000, 10_000); // 500 packets dropped while muted
  assert.equal(after.seq, first.seq + 1);
  assert.equal(after.timestamp, first.timestamp + 480_000);
});

void test('slots go to the lowest free index and are kept until release', () => {
  const t = new SlotTable(2);
  const [a, b, c] = ['a', 'b', 'c'].map(asUserId) as [
    ReturnType<typeof asUserId>,
    ReturnType<typeof asUserId>,
    ReturnType<typeof asUserId>,
  ];
  assert.equal(t.assign(a), 0);
  assert.equal(t.assign(b), 1);
  assert.equal(t.assign(c), null, 'no slot left');
  assert.equal(t.assign(a), 0, 'idempotent');
  t.release(a);
  assert.equal(t.assign(c), 0);
  assert.deepEqual(t.toRecord(), { 0: 'c', 1: 'b' });
});
