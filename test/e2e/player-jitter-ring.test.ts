/**
 * The player's jitter buffer and reconnect policy as plain logic, in Node (the same code runs in
 * the AudioWorklet and WsPlayer; player-ws.test.ts covers them in Chromium).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitterRing } from '../../web/src/player/jitter-ring.js';
import { reconnectDelayMs, shouldReconnect, RECONNECT } from '../../web/src/player/reconnect.js';

const FRAME = 960;
const QUANTUM = 128;
/** a frame whose every sample is `value` (so the output shows which frame is playing) */
const frame = (value: number) => new Float32Array(FRAME).fill(value);
const quantum = () => new Float32Array(QUANTUM);

void test('the ring stays silent until the target delay is buffered, then plays frames in order', () => {
  const ring = new JitterRing({ targetMs: 60 });
  const out = quantum();
  ring.write(0, 1000, frame(0.1));
  ring.write(1, 1020, frame(0.2));
  ring.read(out, 1100);
  assert.deepEqual([...new Set(out)], [0]);
  assert.equal(ring.stats().state, 'buffering');
  ring.write(2, 1040, frame(0.3));
  assert.equal(ring.stats().state, 'playing');
  const played: number[] = [];
  for (let i = 0; i < 22; i++) {
    ring.read(out, 1100);
    played.push(out[0]!);
  }
  assert.deepEqual(
    [...new Set(played)].map((v) => Math.round(v * 10)),
    [1, 2, 3],
  );
  assert.equal(ring.stats().underruns, 0);
});

void test('running dry plays silence, counts one underrun and rebuffers', () => {
  const ring = new JitterRing({ targetMs: 20 });
  ring.write(0, 0, frame(0.5));
  const out = quantum();
  for (let i = 0; i < 8; i++) ring.read(out, 0); // 1024 of 960 samples
  assert.equal(out[QUANTUM - 1], 0);
  ring.read(out, 0);
  assert.deepEqual(ring.stats().underruns, 1);
  assert.equal(ring.stats().state, 'buffering');
});

void test('a seq gap while playing is filled with silence of the missing length', () => {
  const ring = new JitterRing({ targetMs: 20 });
  ring.write(0, 0, frame(0.5));
  ring.write(3, 60, frame(0.5));
  const s = ring.stats();
  assert.equal(s.gaps, 1);
  assert.equal(s.missingFrames, 2);
  assert.equal(s.bufferedMs, 80);
  const out = new Float32Array(FRAME);
  ring.read(out, 0);
  assert.equal(out[0], 0.5);
  ring.read(out, 0);
  assert.equal(out[0], 0, 'silence where frame 1 was');
});

void test('late or duplicate frames are dropped; a big jump resynchronises', () => {
  const ring = new JitterRing({ targetMs: 40 });
  ring.write(10, 0, frame(0.1));
  ring.write(11, 20, frame(0.1));
  ring.write(11, 20, frame(0.9));
  ring.write(5, 0, frame(0.9));
  assert.equal(ring.stats().lateFrames, 2);
  ring.write(5000, 99_000, frame(0.7));
  const s = ring.stats();
  assert.equal(s.resyncs, 1);
  assert.equal(s.state, 'buffering');
  assert.equal(s.bufferedMs, 20);
});

void test('a burst beyond maxMs skips ahead to the target so delay stays bounded', () => {
  const ring = new JitterRing({ targetMs: 100, maxMs: 300 });
  for (let seq = 0; seq < 40; seq++) ring.write(seq, seq * 20, frame(seq / 100));
  const s = ring.stats();
  assert.ok(s.skips >= 1);
  assert.ok(s.bufferedMs <= 300, `buffered ${s.bufferedMs} ms`);
  const out = quantum();
  ring.read(out, 800);
  // the oldest audio was dropped: what plays now is the newest ~100-300 ms
  assert.ok(out[0]! >= 0.25, `playing frame ${out[0]! * 100}`);
  assert.ok(ring.stats().delayMs <= 800 - 25 * 20 + 1, `delay ${ring.stats().delayMs}`);
});

void test('uint32 seq wrap is not a gap', () => {
  const ring = new JitterRing({ targetMs: 20 });
  ring.write(0xffffffff, 0, frame(0.1));
  ring.write(0, 20, frame(0.1));
  assert.equal(ring.stats().gaps, 0);
  assert.equal(ring.stats().resyncs, 0);
});

void test('delayMs is wall time minus mixedAt of the sample playing', () => {
  const ring = new JitterRing({ targetMs: 20 });
  ring.write(0, 1000, frame(0.1));
  const out = new Float32Array(480);
  ring.read(out, 1150);
  assert.equal(ring.stats().delayMs, 150);
  ring.read(out, 1160);
  assert.equal(ring.stats().delayMs, 150, 'second half of the frame was mixed 10 ms later');
});

void test('the player reconnects after drops and server trouble, not after a refusal or the end', () => {
  for (const code of [1001, 1006, 1011, 1012, 4408, 4429, 4500, 4503])
    assert.equal(shouldReconnect(code), true, `${code}`);
  for (const code of [1000, 1008, 4400, 4401, 4403, 4404, 4410])
    assert.equal(shouldReconnect(code), false, `${code}`);
});

void test('reconnect delays grow exponentially with jitter and are capped', () => {
  assert.equal(
    reconnectDelayMs(0, () => 0),
    RECONNECT.baseMs / 2,
  );
  assert.equal(
    reconnectDelayMs(0, () => 1),
    RECONNECT.baseMs,
  );
  assert.equal(
    reconnectDelayMs(3, () => 1),
    RECONNECT.baseMs * 8,
  );
  assert.equal(
    reconnectDelayMs(50, () => 1),
    RECONNECT.maxMs,
  );
  const spread = new Set(Array.from({ length: 20 }, () => Math.round(reconnectDelayMs(4))));
  assert.ok(spread.size > 10, 'jittered');
});

/** plays `seconds` of 400 ms batches (20 frames each, arriving every 400 ms) through the ring */
function playWideBatches(ring: JitterRing, seconds: number): { underruns: number; skipped: number } {
  const out = quantum();
  const quantumMs = (QUANTUM / 48_000) * 1000;
  let seq = 0;
  let t = 0;
  let nextBatchAt = 0;
  const before = ring.stats();
  while (t < seconds * 1000) {
    if (t >= nextBatchAt) {
      for (let i = 0; i < 20; i++, seq++) ring.write(seq, seq * 20, frame(0.5));
      nextBatchAt += 400;
    }
    ring.read(out, t);
    t += quantumMs;
  }
  const after = ring.stats();
  return { underruns: after.underruns - before.underruns, skipped: after.skips - before.skips };
}

void test("a playout target shorter than the server's batches runs dry between batches; following the window fixes it", () => {
  const short = new JitterRing({ targetMs: 150 });
  playWideBatches(short, 2); // settle
  const bad = playWideBatches(short, 10);
  assert.ok(
    bad.underruns + bad.skipped >= 3,
    `a 150 ms buffer bridged 400 ms batches: ${JSON.stringify(bad)}`,
  );
  const following = new JitterRing({ targetMs: 150 });
  following.setTargetMs(20 * 20 + 100); // what WsPlayer sets after seeing a 20-frame batch
  playWideBatches(following, 2);
  assert.deepEqual(playWideBatches(following, 10), { underruns: 0, skipped: 0 });
});
