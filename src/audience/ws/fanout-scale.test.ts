import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asUserId } from '../../protocol/ids.js';
import { AudienceFanout } from './fanout.js';
import { WS_READY_STATE, type FanoutSocket } from './socket.js';
import { toneFrames } from './test-kit.js';

/** A socket with the real interface that only counts what it is sent (no network). */
class CountingSocket implements FanoutSocket {
  readyState: number = WS_READY_STATE.open;
  bufferedAmount = 0;
  sent = 0;
  last: Buffer | null = null;
  send(data: Buffer): void {
    this.sent++;
    this.last = data;
  }
  close(): void {
    this.readyState = WS_READY_STATE.closed;
  }
  terminate(): void {
    this.readyState = WS_READY_STATE.closed;
  }
}

/** ns per attach+detach pair when `n` sockets are attached then detached; best of `runs`. */
function nsPerJoinLeave(n: number, runs = 5): number {
  const sockets = Array.from({ length: n }, () => new CountingSocket());
  const metas = sockets.map((_, i) => ({ userId: asUserId(`user-${i}`) }));
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const fanout = new AudienceFanout();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fanout.attach(sockets[i]!, metas[i]!);
    for (let i = 0; i < n; i++) fanout.detach(sockets[i]!);
    const ns = Number(process.hrtime.bigint() - t0) / n;
    fanout.close();
    best = Math.min(best, ns);
  }
  return best;
}

void test('attach and detach cost O(1): 10k listeners cost about the same per join as 1k', () => {
  nsPerJoinLeave(1000, 3); // warm up the JIT
  const small = nsPerJoinLeave(1000);
  const large = nsPerJoinLeave(10_000);
  console.log(`# attach+detach: ${small.toFixed(0)} ns/op at 1k, ${large.toFixed(0)} ns/op at 10k`);
  // O(n) per join would make this ratio ~10; allow noise on a shared machine
  assert.ok(large / small < 4, `per-join cost grew ${(large / small).toFixed(1)}x from 1k to 10k`);
});

void test('one batch is framed once and the same Buffer goes to each of 10k sockets', () => {
  const fanout = new AudienceFanout({ windowFrames: 3 });
  const sockets = Array.from({ length: 10_000 }, () => new CountingSocket());
  sockets.forEach((s, i) => fanout.attach(s, { userId: asUserId(`user-${i}`) }));
  for (const f of toneFrames(3)) fanout.push(f);
  const first = sockets[0]!.last;
  assert.ok(first);
  for (const s of sockets) {
    assert.equal(s.sent, 1);
    assert.equal(s.last, first, 'same Buffer object, not a copy');
  }
  assert.equal(fanout.stats().batches, 1);
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
