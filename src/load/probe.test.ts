import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadMetrics } from './metrics.js';

void test('a listener that receives batches on time has no stall, and its delay is measured from the first frame', () => {
  const m = new LoadMetrics(200);
  const p = m.probe(1000);
  p.joined(1010);
  for (let i = 0; i < 10; i++) p.audio(1100 + i * 60, i * 3, 3, 1050 + i * 60);
  assert.equal(m.joined, 1);
  assert.equal(m.gotAudio, 1);
  assert.equal(m.firstAudioMs.quantile(1), 100);
  assert.equal(m.stalls, 0);
  assert.equal(m.seqGaps, 0);
  assert.equal(m.frames, 30);
  assert.equal(m.delayMs.quantile(0.5), 50);
});

void test('a late batch beyond the audio in hand is one stall with its excess as duration; wide batches are not stalls', () => {
  const m = new LoadMetrics(200);
  const p = m.probe(0);
  p.audio(100, 0, 10, 0); // 200 ms of audio
  p.audio(320, 10, 10, 200); // 220 ms later: within the 200 ms it carried + threshold
  assert.equal(m.stalls, 0);
  p.audio(320 + 200 + 250, 20, 1, 400); // 450 ms gap after 200 ms of audio: 250 ms excess
  assert.equal(m.stalls, 1);
  assert.equal(m.stallMsHist.quantile(1), 250);
});

void test('the sweep counts a stall still going on once, and its end does not count it again', () => {
  const m = new LoadMetrics(200);
  const p = m.probe(0);
  p.joined(0);
  p.audio(100, 0, 3, 0);
  assert.equal(m.sweep(200), 0);
  assert.equal(m.sweep(500), 1);
  assert.equal(m.sweep(900), 1);
  assert.equal(m.stalls, 1);
  p.audio(1000, 3, 3, 60);
  assert.equal(m.stalls, 1);
  assert.equal(m.stallMsHist.quantile(1), 1000 - 100 - 60);
  assert.equal(m.sweep(1010), 0);
});

void test('skipped frames are counted as a seq gap, across the uint32 wrap too', () => {
  const m = new LoadMetrics(200);
  const p = m.probe(0);
  p.audio(10, 0xfffffffe, 1, 0);
  p.audio(30, 0, 1, 20); // skipped 0xffffffff
  assert.equal(m.seqGaps, 1);
  assert.equal(m.framesMissing, 1);
  p.audio(50, 1, 1, 40);
  assert.equal(m.seqGaps, 1);
});

void test('a refused join is a failed join with its reason; a drop after joining is not', () => {
  const m = new LoadMetrics(200);
  m.probe(0).closed(false, 'anonymous_not_allowed');
  const p = m.probe(0);
  p.joined(5);
  p.closed(false, 'too_slow');
  const q = m.probe(0);
  q.joined(5);
  q.closed(true, 'end');
  m.probe(0).closed(true, 'end'); // still connecting when the run ended
  assert.equal(m.failedJoins, 2);
  assert.equal(m.dropped, 1);
  assert.equal(m.connected, 0);
  assert.deepEqual(Object.fromEntries(m.failures), {
    anonymous_not_allowed: 1,
    'dropped:too_slow': 1,
    not_joined_by_end: 1,
  });
});

void test('a short batch then a window-long wait is no stall while the audio received earlier still plays', () => {
  const m = new LoadMetrics(200);
  const p = m.probe(0);
  p.audio(0, 0, 20, 0); // 400 ms of audio
  p.audio(20, 20, 1, 380); // the server re-dealt its lanes: a 1-frame batch
  p.audio(400, 21, 19, 400); // then a batch one window later: 420 ms of audio were in hand
  p.audio(800, 40, 20, 780);
  assert.equal(m.stalls, 0);
});

void test('stalls that begin in the steady window are also counted apart', () => {
  const m = new LoadMetrics(200);
  const p = m.probe(0);
  p.audio(100, 0, 10, 0); // 200 ms of audio
  p.audio(800, 10, 10, 700); // ran dry at 300: 500 ms late, before the steady window
  m.steady = true;
  p.audio(1500, 20, 10, 1400); // ran dry at 1000: late again, inside it
  assert.equal(m.stalls, 2);
  assert.equal(m.steadyStalls, 1);
});
