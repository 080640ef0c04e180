import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../core/space/testing/fake-clock.js';
import { Heartbeat } from './heartbeat.js';

class FakeSocket {
  pings: number[] = [];
  terminatedAt = -1;
  constructor(private readonly clock: FakeClock) {}
  ping(): void {
    this.pings.push(this.clock.now());
  }
  terminate(): void {
    this.terminatedAt = this.clock.now();
  }
}

function setUp(count: number) {
  const clock = new FakeClock();
  const clients = new Set<FakeSocket>();
  const hb = new Heartbeat(clients, clock, 30_000, 500);
  for (let i = 0; i < count; i++) {
    const s = new FakeSocket(clock);
    clients.add(s);
    hb.alive(s);
  }
  hb.start();
  return { clock, clients, hb };
}

void test('15,000 sockets are pinged in slices of ~250 per 500 ms, each once per 30 s', () => {
  const { clock, clients } = setUp(15_000);
  const t0 = clock.now();
  let most = 0;
  let before = 0;
  for (let t = 0; t < 30_000; t += 500) {
    clock.advance(500);
    const pinged = [...clients].reduce((n, s) => n + s.pings.length, 0);
    most = Math.max(most, pinged - before);
    before = pinged;
  }
  assert.ok(most <= 250, `at most ${most} pings in one slice`);
  for (const s of clients) {
    assert.equal(s.pings.length, 1);
    assert.ok(s.pings[0]! - t0 <= 30_000);
  }
});

void test('a socket that answered stays; one that did not is terminated a period after its ping', () => {
  const { clock, clients, hb } = setUp(2);
  const [a, b] = [...clients] as [FakeSocket, FakeSocket];
  clock.advance(1_000); // one socket per slice here
  assert.deepEqual([a.pings.length, b.pings.length], [1, 1]);
  hb.alive(a); // a's pong
  clock.advance(29_000);
  assert.equal(b.terminatedAt, -1, 'not before the period is over');
  clock.advance(1_000);
  assert.equal(a.pings.length, 2);
  assert.equal(a.terminatedAt, -1);
  assert.equal(b.pings.length, 1);
  assert.ok(b.terminatedAt - b.pings[0]! >= 30_000, `pinged ${b.pings[0]}, terminated ${b.terminatedAt}`);
});

void test('a lone socket is pinged once per period, not once per slice', () => {
  const { clock, clients, hb } = setUp(1);
  const [s] = [...clients] as [FakeSocket];
  const t0 = clock.now();
  for (let i = 0; i < 120; i++) {
    clock.advance(500);
    hb.alive(s); // it always answers at once
  }
  // 60 s: rounds at 0.5 s and 30.5 s, none in between
  assert.deepEqual(
    s.pings.map((t) => t - t0),
    [500, 30_500],
  );
  assert.equal(s.terminatedAt, -1);
});

void test('sockets that connect after a round began with none are still pinged and checked', () => {
  const { clock, clients, hb } = setUp(0);
  clock.advance(500); // a round starts with no socket
  const late = new FakeSocket(clock);
  clients.add(late);
  hb.alive(late);
  const t0 = clock.now();
  clock.advance(60_000);
  assert.ok(late.pings.length >= 1, 'pinged');
  assert.ok(late.terminatedAt >= 0, 'never answered, so terminated');
  assert.ok(late.terminatedAt - t0 <= 61_000);
});

void test('stop() ends the pings', () => {
  const { clock, clients, hb } = setUp(3);
  hb.stop();
  hb.stop();
  clock.advance(60_000);
  for (const s of clients) assert.equal(s.pings.length, 0);
});
