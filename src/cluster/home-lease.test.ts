import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/space/testing/fake-clock.js';
import { silentLogger } from '../core/log.js';
import { MemoryLeases, MemoryLeaseTable } from '../adapters/leases-memory/index.js';
import type { Leases } from '../core/ports/leases.js';
import { HomeLease, leaseMarginMs } from './home-lease.js';
import { CuttableLeases } from './testing/cuttable-leases.js';

const flush = () => new Promise((r) => setImmediate(r));

async function held(leases: Leases, clock: FakeClock, ttlMs = 3_000, monotonic = () => clock.now()) {
  const grant = await leases.acquire('space:s:home', 'n1 http://a', ttlMs);
  assert.ok(grant);
  const lost: string[] = [];
  const lease = new HomeLease(
    {
      leases,
      clock,
      log: silentLogger,
      key: 'space:s:home',
      holder: 'n1 http://a',
      token: grant.token,
      ttlMs,
      onLost: (why) => lost.push(why),
      monotonic,
    },
    clock.now(),
  );
  return { lease, lost };
}

/** advances the fake clock in small steps, letting the renew promises settle */
async function run(clock: FakeClock, ms: number) {
  for (let t = 0; t < ms; t += 50) {
    clock.advance(50);
    await flush();
  }
}

test('a healthy home keeps its lease for ever by renewing', async () => {
  const clock = new FakeClock();
  const leases = new MemoryLeases(new MemoryLeaseTable(clock));
  const { lease, lost } = await held(leases, clock);
  await run(clock, 20_000);
  assert.deepEqual(lost, []);
  assert.ok(lease.held);
  lease.abandon();
});

test('renews that fail for less than the ttl do not lose the lease', async () => {
  const clock = new FakeClock();
  const flaky = new CuttableLeases(new MemoryLeases(new MemoryLeaseTable(clock)));
  const { lease, lost } = await held(flaky, clock);
  await run(clock, 900);
  flaky.cut = true;
  await run(clock, 1_800);
  flaky.cut = false;
  await run(clock, 5_000);
  assert.deepEqual(lost, []);
  assert.ok(lease.held);
  lease.abandon();
});

test('renews that fail past the ttl lose the lease no later than the backend frees it', async () => {
  const clock = new FakeClock();
  const table = new MemoryLeaseTable(clock);
  const flaky = new CuttableLeases(new MemoryLeases(table));
  const { lease, lost } = await held(flaky, clock);
  flaky.cut = true;
  for (let t = 0; t < 4_000 && lost.length === 0; t += 50) {
    clock.advance(50);
    await flush();
    if (lost.length === 0) assert.ok(table.lease('space:s:home'), 'still home only while the lease is live');
  }
  assert.deepEqual(lost, ['expired']);
  assert.equal(lease.held, false);
});

test('a renew answered "no" (someone else holds it) loses the lease at once', async () => {
  const clock = new FakeClock();
  const table = new MemoryLeaseTable(clock);
  const leases = new MemoryLeases(table);
  const { lease, lost } = await held(leases, clock);
  table.leases.delete('space:s:home');
  assert.ok(await leases.acquire('space:s:home', 'n2 http://b', 3_000));
  await run(clock, 1_100);
  assert.deepEqual(lost, ['taken']);
  assert.equal(lease.held, false);
});

test('release frees the lease for the next node, which gets a higher token', async () => {
  const clock = new FakeClock();
  const leases = new MemoryLeases(new MemoryLeaseTable(clock));
  const { lease } = await held(leases, clock);
  await lease.release();
  await lease.release();
  const next = await leases.acquire('space:s:home', 'n2 http://b', 3_000);
  assert.ok(next && next.token > lease.token);
});

test('a renew that hangs (Redis accepted the connection but does not answer) does not push the deadline back', async () => {
  const clock = new FakeClock();
  const table = new MemoryLeaseTable(clock);
  const inner = new MemoryLeases(table);
  let hang = false;
  // every call made while `hang` never settles, like a command waiting out a long timeout
  const leases = new Proxy(inner, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) =>
        hang ? new Promise(() => {}) : (v as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  const t0 = clock.now();
  const { lease, lost } = await held(leases, clock);
  await run(clock, 1_050); // one renew done: deadline = ~1000 + 3000
  hang = true;
  let lostAt = -1;
  for (let t = 0; t < 6_000 && lost.length === 0; t += 50) {
    clock.advance(50);
    await flush();
    if (lost.length > 0) lostAt = clock.now() - t0;
    else assert.ok(table.lease('space:s:home'), 'still home only while the lease is live');
  }
  assert.deepEqual(lost, ['expired']);
  assert.ok(lostAt <= 4_050, `lost at ${lostAt}`);
  assert.equal(lease.held, false);
});

test('a home that was frozen past its deadline finds out at its first publish, before any timer runs', async () => {
  const clock = new FakeClock();
  let mono = 0;
  const { lease, lost } = await held(new MemoryLeases(new MemoryLeaseTable(clock)), clock, 3_000, () => mono);
  assert.equal(lease.provablyHeld(), true);
  // SIGSTOP for 4 s: no timer ran, no renew happened; the process wakes up with a frame to send
  mono += 4_000;
  assert.equal(lease.provablyHeld(), false);
  assert.deepEqual(lost, ['expired']);
  assert.equal(lease.held, false);
  assert.equal(lease.provablyHeld(), false, 'and stays lost');
  assert.deepEqual(lost, ['expired'], 'onLost runs once');
});

test('the home stops trusting its lease a margin before the deadline, whatever the wall clock says', async () => {
  const clock = new FakeClock();
  let mono = 0;
  const ttl = 3_000;
  const { lease, lost } = await held(new MemoryLeases(new MemoryLeaseTable(clock)), clock, ttl, () => mono);
  mono = ttl - leaseMarginMs(ttl) - 1;
  assert.equal(lease.provablyHeld(), true);
  mono = ttl - leaseMarginMs(ttl);
  // the wall clock did not move (or was stepped back): the monotonic deadline decides
  assert.equal(lease.provablyHeld(), false);
  assert.deepEqual(lost, ['expired']);
});

test('every successful renew moves the monotonic deadline too', async () => {
  const clock = new FakeClock();
  const { lease, lost } = await held(new MemoryLeases(new MemoryLeaseTable(clock)), clock);
  for (let i = 0; i < 10; i++) {
    await run(clock, 1_000);
    assert.equal(lease.provablyHeld(), true, `after ${i + 1} s`);
  }
  assert.deepEqual(lost, []);
  lease.abandon();
});
