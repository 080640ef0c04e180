import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../core/ports/clock.js';
import type { AudioFrame } from '../../protocol/audience.js';
import { FrameBatcher } from './batcher.js';

/** A Clock whose time moves only when the test says so. */
class ManualClock implements Clock {
  t = 0;
  #timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.t + ms, fn, live: true };
    this.#timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  setInterval(): { cancel(): void } {
    throw new Error('not used');
  }
  advance(ms: number): void {
    this.t += ms;
    for (const timer of this.#timers) {
      if (timer.live && timer.at <= this.t) {
        timer.live = false;
        timer.fn();
      }
    }
  }
}

const frame = (seq: number): AudioFrame => ({ seq, mixedAt: seq * 20, opus: new Uint8Array([seq & 0xff]) });

function setup(windowFrames = 3, maxHoldMs?: number) {
  const clock = new ManualClock();
  const out: number[][] = [];
  const batcher = new FrameBatcher(clock, (fs) => out.push(fs.map((f) => f.seq)), {
    windowFrames,
    maxHoldMs,
  });
  return { clock, out, batcher };
}

void test('frames on time are flushed as soon as the window is full', () => {
  const { clock, out, batcher } = setup();
  for (let s = 0; s < 6; s++) {
    batcher.push(frame(s));
    clock.advance(20);
  }
  assert.deepEqual(out, [
    [0, 1, 2],
    [3, 4, 5],
  ]);
});

void test('a late frame makes the batch leave after maxHoldMs with what it has', () => {
  const { clock, out, batcher } = setup(3, 60);
  batcher.push(frame(0));
  clock.advance(20);
  batcher.push(frame(1));
  clock.advance(39);
  assert.deepEqual(out, []);
  clock.advance(1);
  assert.deepEqual(out, [[0, 1]]);
  batcher.push(frame(2));
  assert.equal(batcher.pending, 1);
});

void test('a seq gap or a wrap is handled: gaps split batches, uint32 wrap does not', () => {
  const { out, batcher } = setup(3);
  batcher.push(frame(0xfffffffe));
  batcher.push(frame(0xffffffff));
  batcher.push(frame(0));
  batcher.push(frame(5));
  batcher.push(frame(9));
  batcher.flush();
  assert.deepEqual(out, [[0xfffffffe, 0xffffffff, 0], [5], [9]]);
});

void test('clear() drops held frames and cancels the timer', () => {
  const { clock, out, batcher } = setup(3, 60);
  batcher.push(frame(0));
  batcher.clear();
  clock.advance(100);
  assert.deepEqual(out, []);
  assert.throws(() => new FrameBatcher(clock, () => {}, { windowFrames: 0 }), RangeError);
});

void test('a new window size applies from the next batch, and maxHoldMs follows it', () => {
  const { out, batcher } = setup(3);
  batcher.push(frame(0));
  batcher.setWindowFrames(5);
  assert.equal(batcher.maxHoldMs, 100);
  for (let s = 1; s < 5; s++) batcher.push(frame(s));
  assert.deepEqual(out, [[0, 1, 2, 3, 4]]);
  assert.throws(() => batcher.setWindowFrames(256), RangeError);
});
