import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { idOf, makeCohost, makeRoom, user } from './testing/fixture.js';

void describe('host disconnect and the acting leader', () => {
  void test('the host leads while connected, and for the grace period after dropping', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.stagePresence(idOf(f.host), true);
    f.room.stagePresence(idOf(co), true);
    f.clock.advance(60_000);
    assert.equal(f.room.snapshot().leaderId, f.host.userId);
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(29_999);
    assert.equal(f.room.snapshot().leaderId, f.host.userId);
    assert.equal(f.room.state, 'live', 'the Space goes on');
  });

  void test('after 30 s away the first connected co-host leads; when the host returns the host leads again', async () => {
    const f = await makeRoom();
    const [c1, c2] = [user('co_one'), user('co_two')];
    await makeCohost(f, c1);
    await makeCohost(f, c2);
    f.room.stagePresence(idOf(f.host), true);
    f.room.stagePresence(idOf(c2), true); // c1 is not connected
    const leaders: string[] = [];
    f.room.events.on('snapshot', (s) => leaders.push(s.leaderId));
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(30_000);
    assert.equal(f.room.snapshot().leaderId, c2.userId);
    f.room.stagePresence(idOf(f.host), true);
    assert.equal(f.room.snapshot().leaderId, f.host.userId);
    assert.deepEqual(leaders, [c2.userId, f.host.userId]);
  });

  void test('a brief drop within the grace period changes nothing', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.stagePresence(idOf(f.host), true);
    f.room.stagePresence(idOf(co), true);
    let snapshots = 0;
    f.room.events.on('snapshot', () => snapshots++);
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(10_000);
    f.room.stagePresence(idOf(f.host), true);
    f.clock.advance(60_000);
    assert.equal(f.room.snapshot().leaderId, f.host.userId);
    assert.equal(snapshots, 0);
  });

  void test('the grace period is configurable', async () => {
    const f = await makeRoom({ config: { hostGraceMs: 5_000 } });
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.stagePresence(idOf(co), true);
    f.room.stagePresence(idOf(f.host), true);
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(5_000);
    assert.equal(f.room.snapshot().leaderId, co.userId);
  });

  void test('a host who never connects to a freshly loaded room is replaced after the grace period', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.stagePresence(idOf(co), true);
    f.clock.advance(30_000);
    assert.equal(f.room.snapshot().leaderId, co.userId);
  });

  void test('with no connected co-host the host stays the nominal leader', async () => {
    const f = await makeRoom();
    await makeCohost(f, user('cohost'));
    f.clock.advance(120_000);
    assert.equal(f.room.snapshot().leaderId, f.host.userId);
  });

  void test('when the leading co-host drops, the next connected co-host leads', async () => {
    const f = await makeRoom();
    const [c1, c2] = [user('co_one'), user('co_two')];
    await makeCohost(f, c1);
    await makeCohost(f, c2);
    f.room.stagePresence(idOf(c1), true);
    f.room.stagePresence(idOf(c2), true);
    f.clock.advance(30_000);
    assert.equal(f.room.snapshot().leaderId, c1.userId);
    f.room.stagePresence(idOf(c1), false);
    assert.equal(f.room.snapshot().leaderId, c2.userId);
  });

  void test('the acting leader may moderate as a co-host but cannot end the Space', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.stagePresence(idOf(co), true);
    f.clock.advance(30_000);
    assert.equal(f.room.snapshot().leaderId, co.userId);
    await f.room.handleAudience(user('ann'), { type: 'raise_hand' });
    await f.room.handleStage(co, { type: 'approve_request', userId: idOf(user('ann')) });
    await assert.rejects(f.room.handleStage(co, { type: 'end_space' }), { code: 'forbidden' });
    assert.equal(f.room.state, 'live');
  });

  void test('after a hand-over the new host leads once connected', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.stagePresence(idOf(f.host), true);
    f.room.stagePresence(idOf(co), true);
    await f.room.handleStage(f.host, { type: 'transfer_host', userId: idOf(co) });
    assert.equal(f.room.snapshot().leaderId, co.userId);
    f.room.stagePresence(idOf(co), false);
    f.clock.advance(30_000);
    assert.equal(f.room.snapshot().leaderId, f.host.userId, 'the old host, now a connected co-host, leads');
  });
});
