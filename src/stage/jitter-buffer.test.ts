import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer } from './jitter-buffer.js';

const p = (n: number): Uint8Array => Uint8Array.of(n & 0xff);
const played = (jb: JitterBuffer, ticks: number): (number | 'lost' | 'idle')[] =>
  Array.from({ length: ticks }, () => {
    const r = jb.pull();
    return r.kind === 'packet' ? (r.payload[0] ?? -1) : r.kind;
  });

void test('the jitter buffer plays reordered packets in sequence order', () => {
  const jb = new JitterBuffer({ targetDepth: 2 });
  for (const s of [10, 12, 11, 14, 13]) jb.push(s, p(s));
  assert.deepEqual(played(jb, 5), [10, 11, 12, 13, 14]);
  assert.equal(jb.stats.lost, 0);
});

void test('a missing packet is reported as lost and playout continues after it', () => {
  const jb = new JitterBuffer({ targetDepth: 2 });
  for (const s of [1, 2, 4, 5]) jb.push(s, p(s));
  assert.deepEqual(played(jb, 5), [1, 2, 'lost', 4, 5]);
  assert.equal(jb.stats.lost, 1);
});

void test('a packet arriving after its slot was played is dropped as late', () => {
  const jb = new JitterBuffer({ targetDepth: 1 });
  jb.push(1, p(1));
  jb.push(3, p(3));
  assert.deepEqual(played(jb, 2), [1, 'lost']);
  jb.push(2, p(2));
  assert.equal(jb.stats.late, 1);
  assert.deepEqual(played(jb, 1), [3]);
});

void test('sequence numbers wrap at 65535 without a gap', () => {
  const jb = new JitterBuffer({ targetDepth: 2 });
  for (const s of [65534, 65535, 0, 1]) jb.push(s, p(s));
  assert.deepEqual(played(jb, 4), [254, 255, 0, 1]);
  assert.equal(jb.stats.lost, 0);
});

void test('playout waits for the target depth before starting', () => {
  const jb = new JitterBuffer({ targetDepth: 3 });
  jb.push(7, p(7));
  jb.push(8, p(8));
  assert.deepEqual(played(jb, 1), ['idle']);
  jb.push(9, p(9));
  assert.deepEqual(played(jb, 3), [7, 8, 9]);
});

void test('a speaker who stops sending goes idle without counting the silence as loss', () => {
  const jb = new JitterBuffer({ targetDepth: 1, idleAfterTicks: 5 });
  jb.push(1, p(1));
  played(jb, 1);
  const rest = played(jb, 20);
  assert.equal(rest.filter((r) => r === 'idle').length >= 15, true);
  assert.equal(jb.stats.lost, 0);
  assert.equal(jb.playing, false);
});

void test('depth above the maximum drops the oldest packets to cap latency', () => {
  const jb = new JitterBuffer({ targetDepth: 1, maxDepth: 4 });
  for (let s = 100; s < 110; s++) jb.push(s, p(s));
  assert.equal(jb.depth, 4);
  assert.deepEqual(played(jb, 4), [106, 107, 108, 109]);
});

void test('duplicates are dropped', () => {
  const jb = new JitterBuffer({ targetDepth: 1 });
  jb.push(5, p(5));
  jb.push(5, p(5));
  assert.equal(jb.stats.duplicates, 1);
  assert.equal(jb.stats.received, 1);
});

void test('a buffer that stays deep is trimmed back to the target delay', () => {
  const jb = new JitterBuffer({ targetDepth: 2, maxDepth: 10, trimWindow: 5 });
  let seq = 0;
  for (; seq < 10; seq++) jb.push(seq, p(seq)); // a burst: 200 ms queued
  const depths: number[] = [];
  for (let t = 0; t < 20; t++) {
    jb.push(seq, p(seq)); // then one packet per tick, steady
    seq++;
    jb.pull();
    depths.push(jb.depth);
  }
  assert.ok(jb.stats.trimmed >= 6, `trimmed ${jb.stats.trimmed}`);
  assert.ok((depths.at(-1) ?? 99) <= 3, `depth ${depths.join(',')}`);
  assert.equal(jb.stats.lost, 0, 'trimming is not loss');
});

void test('a bursty sender is played in full, late rather than dropped', () => {
  const jb = new JitterBuffer({ targetDepth: 2 });
  const out: (number | 'lost' | 'idle')[] = [];
  let seq = 0;
  for (let tick = 0; tick < 40; tick++) {
    // a starved browser: nothing for 4 ticks, then 5 packets at once
    if (tick % 5 === 4) for (let k = 0; k < 5; k++, seq++) jb.push(seq, p(seq));
    out.push(...played(jb, 1));
  }
  const packets = out.filter((x): x is number => typeof x === 'number');
  assert.deepEqual(
    packets,
    Array.from({ length: packets.length }, (_, i) => i),
    'in order, none skipped',
  );
  assert.ok(packets.length >= 30, `played ${packets.length}`);
  assert.equal(jb.stats.late, 0);
  assert.equal(jb.stats.lost, 0);
});
