import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioFrame } from '../../protocol/audience.js';
import { FakeClock } from '../../core/space/testing/fake-clock.js';
import { FrameLanes } from './lanes.js';

const frame = (seq: number): AudioFrame => ({ seq, mixedAt: seq * 20, opus: new Uint8Array([seq & 255]) });

/** Lanes over string "sockets" that record, per socket, every batch and bulletin it was given. */
function recordingLanes(windowFrames: number, clock = new FakeClock()) {
  const got = new Map<string, { batches: number[][]; bulletins: string[]; ticks: number[] }>();
  let tick = -1;
  const lanes = new FrameLanes<string, string>(
    clock,
    (members, frames, bulletins) => {
      for (const m of members) {
        const rec = got.get(m) ?? { batches: [], bulletins: [], ticks: [] };
        got.set(m, rec);
        if (frames.length > 0) rec.batches.push(frames.map((f) => f.seq));
        rec.bulletins.push(...bulletins);
        rec.ticks.push(tick);
      }
    },
    { windowFrames },
  );
  const push = (seq: number) => {
    tick++;
    lanes.push(frame(seq));
  };
  const seqs = (m: string) => (got.get(m)?.batches ?? []).flat();
  return { lanes, got, push, seqs, clock };
}

void test('a socket joins the lane whose turn is next, so joins over time spread evenly', () => {
  const { lanes, got, push } = recordingLanes(4);
  let seq = 0;
  for (let i = 0; i < 10; i++) {
    lanes.add(`s${i}`);
    push(seq++); // the newcomer's lane takes this turn: audio within one frame
    assert.equal(got.get(`s${i}`)?.batches.length, 1, `s${i} waited for its first batch`);
  }
  assert.deepEqual(lanes.laneSizes(), [3, 3, 2, 2]);
  for (const rec of got.values()) rec.ticks.length = 0;
  for (const rec of got.values()) rec.batches.length = 0;
  for (let i = 0; i < 12; i++) push(seq++);
  // every socket is written once per window, and on each tick only one lane is written
  const perTick = new Map<number, number>();
  for (const rec of got.values()) {
    assert.equal(rec.batches.length, 3);
    for (const t of rec.ticks) perTick.set(t, (perTick.get(t) ?? 0) + 1);
  }
  assert.deepEqual([...perTick.values()].sort(), [2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
});

void test('a burst of joins between two frames does not pile into one lane', () => {
  const { lanes } = recordingLanes(4);
  for (let i = 0; i < 400; i++) lanes.add(`s${i}`);
  const sizes = lanes.laneSizes();
  assert.equal(
    sizes.reduce((a, b) => a + b, 0),
    400,
  );
  assert.ok(Math.max(...sizes) <= 2 * (400 / 4) + 9, `lanes ${sizes.join(' ')}`);
});

void test('every socket gets every frame once, in order, whatever its lane', () => {
  const { lanes, got, push, seqs, clock } = recordingLanes(3);
  for (let i = 0; i < 5; i++) lanes.add(`s${i}`);
  for (let seq = 0; seq < 30; seq++) push(seq);
  clock.advance(100); // frames stop: the hold timer flushes what the lanes still hold
  const all = Array.from({ length: 30 }, (_, i) => i);
  for (const m of got.keys()) assert.deepEqual(seqs(m), all, m);
  for (const rec of got.values()) for (const b of rec.batches) assert.ok(b.length <= 3);
});

void test('a window change, widening or narrowing, sends no frame twice and skips none', () => {
  const { lanes, got, push, seqs, clock } = recordingLanes(3);
  for (let i = 0; i < 7; i++) lanes.add(`s${i}`);
  let seq = 0;
  for (; seq < 10; seq++) push(seq);
  lanes.setWindowFrames(5);
  assert.equal(lanes.windowFrames, 5);
  assert.equal(lanes.laneSizes().length, 5);
  assert.equal(
    lanes.laneSizes().reduce((a, b) => a + b, 0),
    7,
  );
  for (; seq < 23; seq++) push(seq);
  lanes.setWindowFrames(2);
  for (; seq < 40; seq++) push(seq);
  clock.advance(200);
  const all = Array.from({ length: 40 }, (_, i) => i);
  for (const m of got.keys()) assert.deepEqual(seqs(m), all, m);
});

void test('a seq gap makes no lane send early: each lane keeps its turn, frames keep their order', () => {
  const { lanes, got, push, clock } = recordingLanes(3);
  // one socket per lane: each joins the lane whose turn is next
  for (const [i, m] of ['a', 'b', 'c'].entries()) {
    lanes.add(m);
    push(i);
  }
  const calls: number[] = [];
  for (const seq of [3, 10, 11, 12, 13]) {
    const before = [...got.values()].reduce((n, r) => n + r.ticks.length, 0);
    push(seq);
    calls.push([...got.values()].reduce((n, r) => n + r.ticks.length, 0) - before);
  }
  // one lane's turn per frame, the gap included (a flush of every lane would write 3 at seq 10)
  assert.deepEqual(calls, [1, 1, 1, 1, 1]);
  clock.advance(100);
  for (const rec of got.values()) assert.deepEqual(rec.batches.flat(), [0, 1, 2, 3, 10, 11, 12, 13]);
});

void test('frames queued behind a busy event loop do not make the hold timer flush every lane', () => {
  const { lanes, got, push, clock } = recordingLanes(3);
  for (let seq = 0; seq < 3; seq++) {
    lanes.add(`s${seq}`); // one socket per lane
    push(seq);
  }
  const writes = () => [...got.values()].reduce((n, r) => n + r.ticks.length, 0);
  const before = writes();
  // the hold timer (60 ms) comes due while no frame has been pushed for 60 ms (a blocked
  // loop): it looks again on the next timer pass, and the queued frame arrives in between
  clock.advance(60);
  assert.equal(writes(), before, 'no flush on the first look');
  push(3);
  assert.equal(writes(), before + 1, "only the next lane's turn");
  clock.advance(1); // the second look: a frame came, so no flush
  assert.equal(writes(), before + 1, 'no flush on the second look');
  // frames really stopped: after the hold and the second look, everything goes out
  clock.advance(200);
  for (const rec of got.values()) assert.equal(rec.batches.flat().at(-1), 3);
});

void test("a socket joining mid-stream gets its lane's next batch; a removed one gets nothing more", () => {
  const { lanes, push, seqs, clock } = recordingLanes(3);
  lanes.add('early');
  for (let seq = 0; seq < 4; seq++) push(seq);
  lanes.add('late');
  for (let seq = 4; seq < 9; seq++) push(seq);
  assert.equal(lanes.remove('early'), true);
  assert.equal(lanes.remove('early'), false);
  for (let seq = 9; seq < 12; seq++) push(seq);
  clock.advance(100);
  assert.deepEqual(seqs('early'), [0, 1, 2, 3, 4, 5, 6]);
  // 'late' went to an empty lane whose last turn was tick 1: it starts with frames 2 and 3
  assert.deepEqual(seqs('late'), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(lanes.size, 1);
});

void test("bulletins ride with each lane's next batch, in the order posted, and flush when frames stop", () => {
  const { lanes, got, push, clock } = recordingLanes(3);
  for (let i = 0; i < 3; i++) lanes.add(`s${i}`);
  push(0);
  lanes.post('counts-1');
  lanes.post('reactions-1');
  push(1);
  push(2);
  push(3);
  for (const rec of got.values()) assert.deepEqual(rec.bulletins, ['counts-1', 'reactions-1']);
  lanes.post('ended');
  clock.advance(100);
  for (const rec of got.values()) assert.deepEqual(rec.bulletins, ['counts-1', 'reactions-1', 'ended']);
});

void test('frames still wait at most maxHoldMs when no new frame comes', () => {
  const clock = new FakeClock();
  const sent: number[][] = [];
  const lanes = new FrameLanes<string>(clock, (_m, frames) => sent.push(frames.map((f) => f.seq)), {
    windowFrames: 3,
    maxHoldMs: 60,
  });
  lanes.add('a');
  lanes.push(frame(0)); // lane 0's turn: sent at once
  lanes.push(frame(1)); // lane 1's turn (empty): frame 1 waits for lane 0
  assert.deepEqual(sent, [[0]]);
  clock.advance(59);
  assert.deepEqual(sent, [[0]]);
  clock.advance(2);
  assert.deepEqual(sent, [[0], [1]]);
});

void test('windows outside 1..255 are refused', () => {
  const clock = new FakeClock();
  assert.throws(() => new FrameLanes(clock, () => {}, { windowFrames: 0 }), RangeError);
  const lanes = new FrameLanes(clock, () => {});
  assert.throws(() => lanes.setWindowFrames(256), RangeError);
  assert.throws(() => lanes.setWindowFrames(1.5), RangeError);
});

void test('a window change writes to at most two lanes at once, never to every socket', () => {
  const writes: number[] = [];
  const clock = new FakeClock();
  const lanes = new FrameLanes<string>(clock, (members) => writes.push(members.size), { windowFrames: 10 });
  let seq = 0;
  for (let i = 0; i < 1000; i++) {
    lanes.add(`s${i}`);
    if (i % 100 === 99) lanes.push(frame(seq++));
  }
  for (let i = 0; i < 30; i++) lanes.push(frame(seq++));
  writes.length = 0;
  lanes.setWindowFrames(4); // six merges
  const merged = writes.reduce((a, b) => a + b, 0);
  assert.ok(merged <= 1000 * 0.75, `a narrowing wrote to ${merged} sockets at once`);
  writes.length = 0;
  lanes.setWindowFrames(12);
  assert.deepEqual(writes, [], 'widening writes nothing');
  assert.equal(
    lanes.laneSizes().reduce((a, b) => a + b, 0),
    1000,
  );
});
