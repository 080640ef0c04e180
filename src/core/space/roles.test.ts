import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asUserId } from '../../protocol/ids.js';
import type { RoomNotice } from './room-events.js';
import { anonymous, bringUp, idOf, makeCohost, makeRoom, user } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

void describe('requests to speak', () => {
  void test('a listener raises a hand; hosts see it; the host approves and the listener is a muted speaker', async () => {
    const f = await makeRoom();
    const ann = user('ann');
    const reqs: number[] = [];
    const notes: RoomNotice[] = [];
    f.room.events.on('requests', (r) => reqs.push(r.length));
    f.room.events.on('notify', (_id, n) => notes.push(n));
    await f.room.handleAudience(ann, { type: 'raise_hand' });
    assert.deepEqual(
      f.room.requests().map((r) => r.handle),
      ['ann'],
    );
    await f.room.handleStage(f.host, { type: 'approve_request', userId: idOf(ann) });
    assert.equal(f.room.roleOf(idOf(ann)), 'speaker');
    assert.equal(f.room.snapshot().stage.find((m) => m.userId === ann.userId)?.muted, true);
    assert.deepEqual(f.room.requests(), []);
    assert.deepEqual(reqs, [1, 0]);
    assert.deepEqual(notes, [
      { type: 'hand', raised: true },
      { type: 'role', role: 'speaker' },
    ]);
  });

  void test('raising a hand twice keeps one request', async () => {
    const f = await makeRoom();
    await f.room.handleAudience(user('ann'), { type: 'raise_hand' });
    await f.room.handleAudience(user('ann'), { type: 'raise_hand' });
    assert.equal(f.room.requests().length, 1);
  });

  void test('a listener can lower their own hand; lowering with no hand raised is no_request', async () => {
    const f = await makeRoom();
    await f.room.handleAudience(user('ann'), { type: 'raise_hand' });
    await f.room.handleAudience(user('ann'), { type: 'lower_hand' });
    assert.deepEqual(f.room.requests(), []);
    await assertRefused(f.room, 'no_request', () =>
      f.room.handleAudience(user('ann'), { type: 'lower_hand' }),
    );
  });

  void test('a co-host can approve and decline requests', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    await f.room.handleAudience(user('ann'), { type: 'raise_hand' });
    await f.room.handleAudience(user('bob'), { type: 'raise_hand' });
    await f.room.handleStage(co, { type: 'approve_request', userId: idOf(user('ann')) });
    await f.room.handleStage(co, { type: 'decline_request', userId: idOf(user('bob')) });
    assert.equal(f.room.roleOf(idOf(user('ann'))), 'speaker');
    assert.equal(f.room.roleOf(idOf(user('bob'))), 'listener');
    assert.deepEqual(f.room.requests(), []);
  });

  void test('approving or declining someone who did not ask is no_request', async () => {
    const f = await makeRoom();
    const ann = idOf(user('ann'));
    await assertRefused(f.room, 'no_request', () =>
      f.room.handleStage(f.host, { type: 'approve_request', userId: ann }),
    );
    await assertRefused(f.room, 'no_request', () =>
      f.room.handleStage(f.host, { type: 'decline_request', userId: ann }),
    );
  });

  void test('a speaker or listener cannot approve a request', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    await f.room.handleAudience(user('ann'), { type: 'raise_hand' });
    const ann = idOf(user('ann'));
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(sp, { type: 'approve_request', userId: ann }),
    );
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(user('bob'), { type: 'approve_request', userId: ann }),
    );
  });

  void test('an anonymous listener can react but cannot raise a hand', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleAudience(anonymous(), { type: 'raise_hand' }),
    );
  });

  void test('someone on stage cannot raise a hand', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'forbidden', () => f.room.handleAudience(f.host, { type: 'raise_hand' }));
  });

  void test('hands can only be raised while live', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await assertRefused(f.room, 'space_not_live', () =>
      f.room.handleAudience(user('ann'), { type: 'raise_hand' }),
    );
  });

  void test('pending requests are capped (too_many_requests)', async () => {
    const f = await makeRoom({ config: { maxPendingRequests: 3 } });
    for (const h of ['a1', 'a2', 'a3']) await f.room.handleAudience(user(h), { type: 'raise_hand' });
    await assertRefused(f.room, 'too_many_requests', () =>
      f.room.handleAudience(user('a4'), { type: 'raise_hand' }),
    );
  });
});

void describe('invitations', () => {
  void test('the host invites a listener; the listener accepts and becomes a speaker', async () => {
    const f = await makeRoom();
    const ann = user('ann');
    f.room.listenerJoined(ann);
    const notes: [string, RoomNotice][] = [];
    f.room.events.on('notify', (id, n) => notes.push([id, n]));
    await f.room.handleStage(f.host, { type: 'invite_to_stage', userId: idOf(ann) });
    assert.equal(f.room.roleOf(idOf(ann)), 'listener', 'not on stage until they accept');
    await f.room.handleAudience(ann, { type: 'accept_invite' });
    assert.equal(f.room.roleOf(idOf(ann)), 'speaker');
    assert.deepEqual(notes, [
      [ann.userId, { type: 'invited' }],
      [ann.userId, { type: 'role', role: 'speaker' }],
    ]);
  });

  void test('a declined invitation cannot be accepted afterwards', async () => {
    const f = await makeRoom();
    const ann = user('ann');
    f.room.listenerJoined(ann);
    await f.room.handleStage(f.host, { type: 'invite_to_stage', userId: idOf(ann) });
    await f.room.handleAudience(ann, { type: 'decline_invite' });
    await assertRefused(f.room, 'no_invite', () => f.room.handleAudience(ann, { type: 'accept_invite' }));
  });

  void test('accepting without an invitation is no_invite', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'no_invite', () =>
      f.room.handleAudience(user('ann'), { type: 'accept_invite' }),
    );
    await assertRefused(f.room, 'no_invite', () =>
      f.room.handleAudience(user('ann'), { type: 'decline_invite' }),
    );
  });

  void test('inviting someone who is not listening is not_in_space', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'not_in_space', () =>
      f.room.handleStage(f.host, { type: 'invite_to_stage', userId: asUserId('ghost') }),
    );
  });

  void test('inviting someone already on stage is already_on_stage', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    await assertRefused(f.room, 'already_on_stage', () =>
      f.room.handleStage(f.host, { type: 'invite_to_stage', userId: idOf(sp) }),
    );
  });

  void test('a speaker cannot invite', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    f.room.listenerJoined(user('ann'));
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(sp, { type: 'invite_to_stage', userId: idOf(user('ann')) }),
    );
  });

  void test('a co-host can invite', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    f.room.listenerJoined(user('ann'));
    await f.room.handleStage(co, { type: 'invite_to_stage', userId: idOf(user('ann')) });
    await f.room.handleAudience(user('ann'), { type: 'accept_invite' });
    assert.equal(f.room.roleOf(idOf(user('ann'))), 'speaker');
  });
});

void describe('moving on and off the stage', () => {
  void test('the host moves a speaker back to the audience', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    await f.room.handleStage(f.host, { type: 'move_to_audience', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'listener');
  });

  void test('a co-host moves a speaker down but not another co-host nor the host', async () => {
    const f = await makeRoom();
    const [c1, c2, sp] = [user('co_one'), user('co_two'), user('speaker')];
    await makeCohost(f, c1);
    await makeCohost(f, c2);
    await bringUp(f, sp);
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(c1, { type: 'move_to_audience', userId: idOf(c2) }),
    );
    await assertRefused(f.room, 'cannot_target_host', () =>
      f.room.handleStage(c1, { type: 'move_to_audience', userId: idOf(f.host) }),
    );
    await f.room.handleStage(c1, { type: 'move_to_audience', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'listener');
  });

  void test('the host can move a co-host down to the audience', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    await f.room.handleStage(f.host, { type: 'move_to_audience', userId: idOf(co) });
    assert.equal(f.room.roleOf(idOf(co)), 'listener');
  });

  void test('moving a listener down is not_on_stage; moving yourself is cannot_target_self', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'not_on_stage', () =>
      f.room.handleStage(f.host, { type: 'move_to_audience', userId: asUserId('nobody') }),
    );
    await assertRefused(f.room, 'cannot_target_self', () =>
      f.room.handleStage(f.host, { type: 'move_to_audience', userId: idOf(f.host) }),
    );
  });

  void test('a speaker can leave the stage; the host cannot (hand over first)', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    await f.room.handleStage(sp, { type: 'leave_stage' });
    assert.equal(f.room.roleOf(idOf(sp)), 'listener');
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(f.host, { type: 'leave_stage' }));
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(sp, { type: 'leave_stage' }));
  });

  void test('a speaker cannot move another speaker down', async () => {
    const f = await makeRoom();
    const [a, b] = [user('speak_a'), user('speak_b')];
    await bringUp(f, a);
    await bringUp(f, b);
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(a, { type: 'move_to_audience', userId: idOf(b) }),
    );
  });
});

void describe('capacity', () => {
  void test('at most 10 speakers: the 11th approval is stage_full', async () => {
    const f = await makeRoom();
    for (let i = 0; i < 10; i++) await bringUp(f, user(`sp${i}x`));
    await f.room.handleAudience(user('late'), { type: 'raise_hand' });
    await assertRefused(f.room, 'stage_full', () =>
      f.room.handleStage(f.host, { type: 'approve_request', userId: idOf(user('late')) }),
    );
    assert.equal(f.room.snapshot().stage.length, 11);
  });

  void test('13 on stage at most: host + 2 co-hosts + 10 speakers, then stage_full for invites', async () => {
    const f = await makeRoom();
    await makeCohost(f, user('co_one'));
    await makeCohost(f, user('co_two'));
    for (let i = 0; i < 10; i++) await bringUp(f, user(`sp${i}x`));
    assert.equal(f.room.snapshot().stage.length, 13);
    f.room.listenerJoined(user('late'));
    await assertRefused(f.room, 'stage_full', () =>
      f.room.handleStage(f.host, { type: 'invite_to_stage', userId: idOf(user('late')) }),
    );
  });

  void test('an accepted invitation is refused with stage_full if the stage filled meanwhile', async () => {
    const f = await makeRoom();
    f.room.listenerJoined(user('late'));
    await f.room.handleStage(f.host, { type: 'invite_to_stage', userId: idOf(user('late')) });
    for (let i = 0; i < 10; i++) await bringUp(f, user(`sp${i}x`));
    await assertRefused(f.room, 'stage_full', () =>
      f.room.handleAudience(user('late'), { type: 'accept_invite' }),
    );
  });

  void test('at most 2 co-hosts: the 3rd is cohosts_full', async () => {
    const f = await makeRoom();
    await makeCohost(f, user('co_one'));
    await makeCohost(f, user('co_two'));
    const third = user('co_three');
    await bringUp(f, third);
    await assertRefused(f.room, 'cohosts_full', () =>
      f.room.handleStage(f.host, { type: 'make_cohost', userId: idOf(third) }),
    );
  });

  void test('removing a co-host when all 10 speaker seats are taken is stage_full', async () => {
    const f = await makeRoom();
    const co = user('co_one');
    await makeCohost(f, co);
    for (let i = 0; i < 10; i++) await bringUp(f, user(`sp${i}x`));
    await assertRefused(f.room, 'stage_full', () =>
      f.room.handleStage(f.host, { type: 'remove_cohost', userId: idOf(co) }),
    );
  });
});

void describe('co-hosts and the host role', () => {
  void test('the host makes a speaker co-host and removes them back to speaker', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    await f.room.handleStage(f.host, { type: 'make_cohost', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'cohost');
    await f.room.handleStage(f.host, { type: 'remove_cohost', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'speaker');
  });

  void test('a co-host cannot make or remove co-hosts', async () => {
    const f = await makeRoom();
    const [co, other, sp] = [user('co_one'), user('co_two'), user('speaker')];
    await makeCohost(f, co);
    await makeCohost(f, other);
    await bringUp(f, sp);
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(co, { type: 'make_cohost', userId: idOf(sp) }),
    );
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(co, { type: 'remove_cohost', userId: idOf(other) }),
    );
  });

  void test('making a listener co-host is not_on_stage', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'not_on_stage', () =>
      f.room.handleStage(f.host, { type: 'make_cohost', userId: asUserId('ann') }),
    );
  });

  void test('a co-host cannot end the Space', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(co, { type: 'end_space' }));
  });

  void test('the host hands the host role to a co-host; the old host becomes co-host; the Space keeps its id', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    await f.room.handleStage(f.host, { type: 'transfer_host', userId: idOf(co) });
    assert.equal(f.room.roleOf(idOf(co)), 'host');
    assert.equal(f.room.roleOf(idOf(f.host)), 'cohost');
    const stored = await f.store.getSpace(f.room.id);
    assert.equal(stored?.hostId, co.userId);
    assert.equal(stored?.createdBy, f.host.userId, 'the creator is unchanged');
    assert.equal(f.room.snapshot().space.hostId, co.userId);
    // the new host has the host's rights, the old one does not
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(f.host, { type: 'end_space' }));
    await f.room.handleStage(co, { type: 'end_space' });
    assert.equal(f.room.state, 'ended');
  });

  void test('with both co-host seats taken, the old host becomes a speaker', async () => {
    const f = await makeRoom();
    await makeCohost(f, user('co_one'));
    await makeCohost(f, user('co_two'));
    const sp = user('speaker');
    await bringUp(f, sp);
    await f.room.handleStage(f.host, { type: 'transfer_host', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'host');
    assert.equal(f.room.roleOf(idOf(f.host)), 'speaker');
    const stage = f.room.snapshot().stage;
    assert.equal(stage.filter((m) => m.role === 'host').length, 1);
    assert.equal(stage.filter((m) => m.role === 'cohost').length, 2);
  });

  void test('only the host can hand over the host role, and only to someone on stage', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(co, { type: 'transfer_host', userId: idOf(co) }),
    );
    await assertRefused(f.room, 'not_on_stage', () =>
      f.room.handleStage(f.host, { type: 'transfer_host', userId: asUserId('ann') }),
    );
    await assertRefused(f.room, 'cannot_target_self', () =>
      f.room.handleStage(f.host, { type: 'transfer_host', userId: idOf(f.host) }),
    );
  });

  void test('malformed input is refused and changes nothing', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'invalid_field', () =>
      f.room.handleStage(f.host, { type: 'mute', userId: '../etc' as never }),
    );
    await assertRefused(f.room, 'bad_request', () => f.room.handleStage(f.host, { type: 'dance' } as never));
    await assertRefused(f.room, 'bad_request', () =>
      f.room.handleAudience(user('ann'), { type: 'dance' } as never),
    );
  });
});
