import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowTuner } from './window-tuner.js';

void test('the window widens when writes take more than half of it, and narrows back with hysteresis', () => {
  const tuner = new WindowTuner({ minFrames: 3, maxFrames: 20 });
  let w = 3;
  // writing to every socket once takes 100 ms: half a window at 10 frames
  for (let i = 0; i < 30; i++) w = tuner.next(w, 100);
  assert.equal(w, 10);
  for (let i = 0; i < 60; i++) w = tuner.next(w, 5);
  assert.equal(w, 3);
});

void test('a busy event loop widens the window even when the writes alone are cheap, up to the maximum', () => {
  const tuner = new WindowTuner({ minFrames: 3, maxFrames: 20 });
  let w = 3;
  for (let i = 0; i < 30; i++) w = tuner.next(w, 5, 0.95); // a join storm keeps the loop busy
  assert.equal(w, 20);
  for (let i = 0; i < 30; i++) w = tuner.next(w, 5, 0.7); // still fairly busy: hold the window
  assert.equal(w, 20);
  for (let i = 0; i < 30; i++) w = tuner.next(w, 5, 0.2); // quiet again: back to the configured window
  assert.equal(w, 3);
});
