import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioFrame } from '../protocol/audience.js';
import { mergeParts } from './merge.js';
import { planReplay, SILENCE_OPUS } from './plan.js';

const t0 = Date.UTC(2026, 0, 1);
/** `count` 20 ms frames; the packet's first byte tells the part apart */
function frames(count: number, firstSeq: number, startAt: number, tag: number): AudioFrame[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: firstSeq + i,
    mixedAt: startAt + i * 20,
    opus: Uint8Array.of(tag, i & 0xff),
  }));
}

void test('overlapping parts: the newer part wins from its first frame, no gap and no double audio', () => {
  // a deposed home (a) still records 1 s after the new home (b) started at t0 + 2000
  const a = frames(150, 500, t0, 0xa);
  const b = frames(100, 0, t0 + 2000, 0xb);
  const m = mergeParts([
    { frames: b, intervals: [{ userId: 'u2', startAt: t0 + 2100, endAt: t0 + 3000 }] },
    { frames: a, intervals: [{ userId: 'u1', startAt: t0 + 1000, endAt: t0 + 2500 }] },
  ]);
  assert.equal(m.overlapFrames, 50);
  assert.equal(m.frames.length, 200);
  assert.deepEqual(
    m.frames.map((f) => f.opus[0]),
    [...Array<number>(100).fill(0xa), ...Array<number>(100).fill(0xb)],
  );
  assert.deepEqual(m.intervals, [
    { userId: 'u1', startAt: t0 + 1000, endAt: t0 + 2000 }, // cut where the newer part starts
    { userId: 'u2', startAt: t0 + 2100, endAt: t0 + 3000 },
  ]);
  const plan = planReplay(m.frames, m.partStarts);
  assert.deepEqual(plan.gaps, []);
  assert.equal(plan.packets.length, 200);
  assert.deepEqual(plan.runs, [
    { index: 0, mixedAt: t0 },
    { index: 100, mixedAt: t0 + 2000 },
  ]);
});

void test('the time between two parts is one marked gap of silence, even when seq numbers collide', () => {
  const a = frames(100, 0, t0, 0xa); // seq 0..99, until t0 + 2000
  // the new home's mixer starts at seq 99 by chance, 1.5 s after the last frame of a
  const b = frames(50, 99, t0 + 1980 + 1520, 0xb);
  const m = mergeParts([
    { frames: a, intervals: [] },
    { frames: b, intervals: [] },
  ]);
  assert.equal(m.overlapFrames, 0);
  const plan = planReplay(m.frames, m.partStarts);
  assert.deepEqual(plan.gaps, [{ atMs: 2000, durationMs: 1500 }]);
  assert.equal(plan.duplicates, 0, 'the first frame of the new part is no duplicate');
  assert.equal(plan.packets.length, 100 + 75 + 50);
  assert.equal(plan.packets[100], SILENCE_OPUS);
  assert.equal(plan.gapMask[174], 1);
  assert.equal(plan.gapMask[175], 0);
  assert.equal(plan.packets[175]?.[0], 0xb);
});

void test('a torn-off part (fewer frames, killed mid-run) and empty parts merge in time order', () => {
  const killed = frames(37, 10, t0, 0xa); // what survived the kill: 37 frames up to a torn record
  const empty: AudioFrame[] = [];
  const next = frames(20, 0, t0 + 37 * 20 + 3000, 0xb);
  const last = frames(20, 0, t0 + 37 * 20 + 3000 + 400 + 400, 0xc);
  const m = mergeParts([
    { frames: last, intervals: [] },
    { frames: empty, intervals: [{ userId: 'u', startAt: t0, endAt: t0 + 5000 }] },
    { frames: killed, intervals: [] },
    { frames: next, intervals: [] },
  ]);
  assert.deepEqual(m.intervals, [], 'a part without frames adds nothing');
  const plan = planReplay(m.frames, m.partStarts);
  assert.deepEqual(plan.gaps, [
    { atMs: 37 * 20, durationMs: 3000 },
    { atMs: 37 * 20 + 3000 + 400, durationMs: 400 },
  ]);
  assert.equal(plan.packets.length * 20, 37 * 20 + 3000 + 400 + 400 + 400);
});
