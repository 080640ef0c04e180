import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeId, UserId } from '../protocol/ids.js';
import { makeRoom } from '../core/space/testing/fixture.js';
import { PRESENCE_EXPIRE_MS, PresenceMerger } from './presence.js';

const A = 'a' as NodeId;
const B = 'b' as NodeId;
const bob = 'u_bob' as UserId;

async function setup() {
  const f = await makeRoom();
  const merger = new PresenceMerger(f.room, A);
  const counts = () => {
    f.clock.advance(2_000); // let the room's counts window pass
    return f.room.snapshot().counts.listeningNow;
  };
  return { f, merger, counts };
}

test('reports from several nodes add up in the room, anonymous listeners as a number only', async () => {
  const { f, merger, counts } = await setup();
  merger.apply(A, { seq: 1, anonymous: 3, named: [], stage: [] }, f.clock.now());
  merger.apply(B, { seq: 1, anonymous: 2, named: [[bob, 1]], stage: [] }, f.clock.now());
  assert.equal(counts(), 6);
  merger.apply(B, { seq: 2, anonymous: 0, named: [[bob, 1]], stage: [] }, f.clock.now());
  assert.equal(counts(), 4);
});

test('a duplicated or overtaken report changes nothing (newest seq wins)', async () => {
  const { f, merger, counts } = await setup();
  merger.apply(B, { seq: 5, anonymous: 4, named: [], stage: [] }, f.clock.now());
  merger.apply(B, { seq: 5, anonymous: 4, named: [], stage: [] }, f.clock.now());
  merger.apply(B, { seq: 3, anonymous: 9, named: [], stage: [] }, f.clock.now());
  assert.equal(counts(), 4);
});

test('a signed-in listener on another node counts as present for an invite', async () => {
  const { f, merger } = await setup();
  await assert.rejects(
    f.room.handleStage(f.host, { type: 'invite_to_stage', userId: bob }),
    /not_in_space|not in the Space/,
  );
  merger.apply(B, { seq: 1, anonymous: 0, named: [[bob, 1]], stage: [] }, f.clock.now());
  await f.room.handleStage(f.host, { type: 'invite_to_stage', userId: bob });
});

test('a node that stops reporting is forgotten after the expiry, this node never', async () => {
  const { f, merger, counts } = await setup();
  merger.apply(A, { seq: 1, anonymous: 1, named: [], stage: [] }, f.clock.now());
  merger.apply(B, { seq: 1, anonymous: 5, named: [], stage: [] }, f.clock.now());
  assert.equal(counts(), 6);
  f.clock.advance(PRESENCE_EXPIRE_MS);
  merger.expire(f.clock.now());
  assert.equal(counts(), 1);
});

test('the host with a stage socket on any node keeps leading; gone everywhere, the grace starts', async () => {
  const { f, merger } = await setup();
  const hostId = f.host.userId as UserId;
  merger.apply(B, { seq: 1, anonymous: 0, named: [], stage: [[hostId, 1]] }, f.clock.now());
  merger.apply(A, { seq: 1, anonymous: 0, named: [], stage: [[hostId, 1]] }, f.clock.now());
  merger.apply(B, { seq: 2, anonymous: 0, named: [], stage: [] }, f.clock.now());
  assert.equal(f.room.snapshot().leaderId, hostId);
  merger.apply(A, { seq: 2, anonymous: 0, named: [], stage: [] }, f.clock.now());
  assert.equal(f.room.snapshot().leaderId, hostId, 'still the leader during the grace');
});

test('after a failover totalJoined goes on from the previous home: reported listeners are not joined twice', async () => {
  const f = await makeRoom();
  const total = () => {
    f.clock.advance(2_000);
    return f.room.snapshot().counts;
  };
  // the previous home had counted 5 (3 anonymous and bob still here, one anonymous gone)
  const merger = new PresenceMerger(f.room, A, true);
  f.room.carryTotalJoined(5);
  merger.apply(A, { seq: 1, anonymous: 2, named: [], stage: [] }, f.clock.now());
  merger.apply(B, { seq: 1, anonymous: 1, named: [[bob, 1]], stage: [] }, f.clock.now());
  assert.deepEqual(total(), { listeningNow: 4, totalJoined: 5 });
  // someone new joins on B: counted once; bob reconnecting is not new
  merger.apply(B, { seq: 2, anonymous: 2, named: [[bob, 2]], stage: [] }, f.clock.now());
  assert.deepEqual(total(), { listeningNow: 6, totalJoined: 6 });
  f.room.carryTotalJoined(3);
  assert.equal(total().totalJoined, 6, 'an older, smaller total never takes it back');
});

test('on a first homing every reported listener is a join', async () => {
  const { f, merger } = await setup();
  merger.apply(B, { seq: 1, anonymous: 2, named: [[bob, 1]], stage: [] }, f.clock.now());
  f.clock.advance(2_000);
  assert.deepEqual(f.room.snapshot().counts, { listeningNow: 3, totalJoined: 3 });
});
