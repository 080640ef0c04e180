import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeakingTracker, type SpeakingInterval } from './speaking.js';

void test('a speaker is speaking while above the threshold; short pauses do not split a turn', () => {
  const out: SpeakingInterval[] = [];
  const t = new SpeakingTracker((i) => out.push(i));
  const levels = [0.3, 0.3, 0.3, 0, 0.3, 0.3, 0, 0, 0, 0]; // one report every 200 ms from t=200
  levels.forEach((l, k) => t.report({ alice: l, bob: 0.001 }, 200 * (k + 1)));
  // starts at the window before the first loud report, ends at the last loud report
  assert.deepEqual(out, [{ userId: 'alice', startAt: 0, endAt: 1200 }]);
});

void test('turns shorter than 300 ms are not speaking; flush closes open turns', () => {
  const out: SpeakingInterval[] = [];
  const t = new SpeakingTracker((i) => out.push(i));
  t.report({ alice: 0.5 }, 1000); // a 200 ms blip
  t.report({ alice: 0, bob: 0.5 }, 1200);
  t.report({ alice: 0, bob: 0.5 }, 1400);
  t.report({ alice: 0, bob: 0.5 }, 1600);
  t.report({ alice: 0 }, 1800);
  t.flush();
  assert.deepEqual(out, [{ userId: 'bob', startAt: 1000, endAt: 1600 }]);
});
