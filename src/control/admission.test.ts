import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRostraError } from '../core/errors.js';
import { Admission, CommandLimits, isLoopback, type JoinRequest } from './admission.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const req = (over: Partial<JoinRequest> = {}): JoinRequest => ({
  address: '10.0.0.1',
  userId: null,
  canOverflow: false,
  ...over,
});
const opts = {
  maxListeners: 3,
  joinPerSecond: 1_000,
  joinBurst: 100,
  maxWaiting: 2,
  addressJoinPerSecond: 1_000,
  addressJoinBurst: 1_000,
};

test('listeners below the cap are admitted at once; at the cap they overflow to HLS when they can', async () => {
  const a = new Admission(opts);
  const admitted = await Promise.all([a.join(req()), a.join(req()), a.join(req())]);
  assert.deepEqual(
    admitted.map((r) => r.kind),
    ['admitted', 'admitted', 'admitted'],
  );
  assert.equal((await a.join(req({ canOverflow: true }))).kind, 'overflow');
  assert.deepEqual(a.stats(), {
    listeners: 3,
    waiting: 0,
    admitted: 3,
    queued: 0,
    overflowed: 1,
    refused: 0,
  });
  a.close();
});

test('without HLS a listener waits with its position and is admitted in order when a place frees', async () => {
  const a = new Admission({ ...opts, maxListeners: 1 });
  const first = await a.join(req());
  assert.equal(first.kind, 'admitted');
  const positions: number[][] = [[], []];
  const order: number[] = [];
  const waits = [0, 1].map((i) =>
    a.join(req({ onPosition: (p) => positions[i]!.push(p) })).then((r) => {
      order.push(i);
      return r;
    }),
  );
  assert.deepEqual(positions, [[1], [2]]);
  // the waiting room (2) is full: a third is refused with a retryable code, never silently
  await assert.rejects(a.join(req()), (e) => isRostraError(e) && e.code === 'server_busy');
  if (first.kind === 'admitted') first.ticket.release();
  const r0 = await waits[0]!;
  assert.equal(r0.kind, 'admitted');
  if (r0.kind === 'admitted') r0.ticket.release();
  await waits[1];
  assert.deepEqual(order, [0, 1]);
  a.close();
});

test('a join storm is paced by the join rate; a waiter that leaves frees its place in the queue', async () => {
  const a = new Admission({ ...opts, maxListeners: 100, joinPerSecond: 20, joinBurst: 1, maxWaiting: 10 });
  assert.equal((await a.join(req())).kind, 'admitted');
  const leaving = new AbortController();
  const gone = a.join(req({ signal: leaving.signal }));
  const t0 = Date.now();
  const stays = a.join(req());
  leaving.abort();
  await assert.rejects(gone);
  const r = await stays;
  assert.equal(r.kind, 'admitted');
  // one token refills every 50 ms; the pump checks every 50 ms
  assert.ok(Date.now() - t0 >= 30, `waited ${Date.now() - t0} ms`);
  assert.equal(a.stats().waiting, 0);
  a.close();
});

test('per-address and per-person join limits refuse with too_many_requests; loopback is exempt from the address limit', async () => {
  const a = new Admission({ ...opts, maxListeners: 100, addressJoinPerSecond: 1, addressJoinBurst: 2 });
  await a.join(req());
  await a.join(req());
  await assert.rejects(a.join(req()), (e) => isRostraError(e) && e.code === 'too_many_requests');
  for (let i = 0; i < 5; i++) await a.join(req({ address: '127.0.0.1' }));
  const userOnly = new Admission({ ...opts, maxListeners: 100, userJoinPerSecond: 1, userJoinBurst: 2 });
  await userOnly.join(req({ userId: 'u1', address: '::1' }));
  await userOnly.join(req({ userId: 'u1', address: '::1' }));
  await assert.rejects(userOnly.join(req({ userId: 'u1', address: '::1' })), (e) => isRostraError(e));
  assert.ok(isLoopback('::ffff:127.0.0.1') && !isLoopback('10.1.2.3'));
  a.close();
  userOnly.close();
});

test('reactions and requests to speak are limited per person across sockets', () => {
  const limits = new CommandLimits();
  for (let i = 0; i < 15; i++) limits.check('react', 'u1', '10.0.0.1');
  assert.throws(
    () => limits.check('react', 'u1', '10.0.0.2'),
    (e) => isRostraError(e) && e.code === 'too_many_requests',
  );
  limits.check('react', 'u2', '10.0.0.1'); // another person is not affected
  for (let i = 0; i < 5; i++) limits.check('raise_hand', 'u1', '10.0.0.1');
  assert.throws(() => limits.check('lower_hand', 'u1', '10.0.0.1'));
  limits.check('ping', 'u1', '10.0.0.1'); // not limited here
});

test('close() fails waiters with server_busy and later joins throw', async () => {
  const a = new Admission({ ...opts, maxListeners: 1 });
  await a.join(req());
  const waiting = a.join(req());
  a.close();
  a.close();
  await assert.rejects(waiting, (e) => isRostraError(e) && e.code === 'server_busy');
  assert.throws(() => a.join(req()), /closed/);
  await sleep(0);
});
