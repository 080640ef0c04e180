import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asUserId } from '../../protocol/ids.js';
import { AudienceFanout } from './fanout.js';
import { WS_READY_STATE } from './socket.js';
import { CountingSocket, toneFrames } from './test-kit.js';

/**
 * ns for one listener to join and leave while `n` others are attached (what a join costs the
 * room), as the best of `runs` timings of 2000 join/leave pairs.
 */
function nsPerJoinLeave(n: number, runs = 7): number {
  const fanout = new AudienceFanout();
  for (let i = 0; i < n; i++) fanout.attach(new CountingSocket(), { userId: asUserId(`user-${i}`) });
  const extra = Array.from({ length: 2000 }, () => new CountingSocket());
  const metas = extra.map((_, i) => ({ userId: asUserId(`extra-${i}`) }));
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < extra.length; i++) {
      fanout.attach(extra[i]!, metas[i]!);
      fanout.detach(extra[i]!);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / extra.length);
  }
  assert.equal(fanout.size, n);
  fanout.close();
  return best;
}

void test('attach and detach cost O(1): a join among 10k listeners costs about the same as among 1k', () => {
  nsPerJoinLeave(1000, 3); // warm up the JIT
  const small = nsPerJoinLeave(1000);
  const large = nsPerJoinLeave(10_000);
  console.log(
    `# join+leave: ${small.toFixed(0)} ns with 1k attached, ${large.toFixed(0)} ns with 10k attached`,
  );
  // O(n) per join would make this ratio ~10; allow noise on a shared machine
  assert.ok(large / small < 3, `per-join cost grew ${(large / small).toFixed(1)}x from 1k to 10k`);
});

void test("each lane's batch is framed once and the same Buffer goes to every socket of the lane", () => {
  const fanout = new AudienceFanout({ windowFrames: 3, maxWindowFrames: 3 });
  const sockets = Array.from({ length: 10_000 }, () => new CountingSocket());
  sockets.forEach((s, i) => fanout.attach(s, { userId: asUserId(`user-${i}`) }));
  for (const f of toneFrames(3)) fanout.push(f);
  // three lanes took one turn each: every socket written once, three encodes in all
  const buffers = new Set(sockets.map((s) => s.last));
  assert.equal(buffers.size, 3, 'one Buffer object per lane, not a copy per socket');
  for (const s of sockets) assert.equal(s.sent, 1);
  assert.equal(fanout.stats().batches, 3);
  assert.equal(fanout.stats().sends, 10_000);
  fanout.close();
});

void test('sockets found closed during a write are forgotten', () => {
  const fanout = new AudienceFanout({ windowFrames: 1 });
  const a = new CountingSocket();
  const b = new CountingSocket();
  fanout.attach(a, { userId: null });
  fanout.attach(b, { userId: asUserId('b') });
  b.readyState = WS_READY_STATE.closed;
  fanout.push(toneFrames(1)[0]!);
  assert.equal(a.sent, 1);
  assert.equal(b.sent, 0);
  assert.equal(fanout.size, 1);
  assert.equal(fanout.socketsOf(asUserId('b')).size, 0);
  assert.equal(fanout.stats().reaped, 1);
  fanout.close();
});

/** A socket whose send costs `costMs` of CPU, like a syscall on a loaded box. */
class CostlySocket extends CountingSocket {
  constructor(public costMs: number) {
    super();
  }
  override send(data: Buffer): void {
    const until = performance.now() + this.costMs;
    while (performance.now() < until) {
      // burn CPU
    }
    super.send(data);
  }
}

void test('under load the batch window widens up to its maximum, and narrows back when load falls', () => {
  // frames are pushed in a tight loop here, so the loop is always busy: judge by write time only
  const fanout = new AudienceFanout({ windowFrames: 3, maxWindowFrames: 6, loopBusyFraction: Infinity });
  const sockets = Array.from({ length: 50 }, () => new CostlySocket(2)); // ~100 ms to write to all
  sockets.forEach((s) => fanout.attach(s, { userId: null }));
  const tone = toneFrames(1)[0]!;
  let seq = 0;
  const pushFrames = (n: number) => {
    for (let i = 0; i < n; i++) fanout.push({ ...tone, seq: seq++ });
  };
  pushFrames(40);
  assert.equal(fanout.stats().windowFrames, 6, `window ${fanout.stats().windowFrames}`);
  assert.ok(fanout.stats().passMs > 30);
  for (const s of sockets) s.costMs = 0;
  pushFrames(200);
  assert.equal(fanout.stats().windowFrames, 3);
  fanout.close();
});
