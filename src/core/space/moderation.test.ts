import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asUserId } from '../../protocol/ids.js';
import { anonymous, bringUp, idOf, makeCohost, makeRoom, user } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

const muted = (f: Awaited<ReturnType<typeof makeRoom>>, a: { userId: unknown }): boolean | undefined =>
  f.room.snapshot().stage.find((m) => m.userId === a.userId)?.muted;

void describe('mute', () => {
  void test('no hot mics: the host and new speakers start muted and out of the mix', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    assert.equal(muted(f, f.host), true);
    assert.equal(muted(f, sp), true);
    assert.deepEqual(f.room.mixList(), []);
    await f.room.handleStage(f.host, { type: 'unmute' });
    assert.deepEqual(f.room.mixList(), [f.host.userId]);
  });

  void test('a speaker unmutes themself and enters the mix; the host mutes them and they leave it', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    const mixes: string[][] = [];
    f.room.events.on('mix', (ids) => mixes.push([...ids]));
    await f.room.handleStage(sp, { type: 'unmute' });
    await f.room.handleStage(f.host, { type: 'mute', userId: idOf(sp) });
    assert.equal(muted(f, sp), true);
    assert.deepEqual(mixes, [[sp.userId], []]);
  });

  void test('only the member can unmute themself: the host cannot unmute a speaker', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    // there is no "unmute someone" command; the unmute message always means "me"
    await f.room.handleStage(f.host, { type: 'unmute' });
    assert.equal(muted(f, sp), true, 'the speaker is still muted');
  });

  void test('a listener cannot unmute (or mute) anyone', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(user('ann'), { type: 'unmute' }));
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(user('ann'), { type: 'mute', userId: idOf(f.host) }),
    );
  });

  void test('a speaker cannot mute another speaker but can mute themself', async () => {
    const f = await makeRoom();
    const [a, b] = [user('speak_a'), user('speak_b')];
    await bringUp(f, a);
    await bringUp(f, b);
    await f.room.handleStage(b, { type: 'unmute' });
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(a, { type: 'mute', userId: idOf(b) }));
    await f.room.handleStage(b, { type: 'mute_self' });
    assert.equal(muted(f, b), true);
  });

  void test('a co-host can mute speakers and co-hosts but not the host', async () => {
    const f = await makeRoom();
    const [c1, c2, sp] = [user('co_one'), user('co_two'), user('speaker')];
    await makeCohost(f, c1);
    await makeCohost(f, c2);
    await bringUp(f, sp);
    await f.room.handleStage(sp, { type: 'unmute' });
    await f.room.handleStage(c2, { type: 'unmute' });
    await f.room.handleStage(c1, { type: 'mute', userId: idOf(sp) });
    await f.room.handleStage(c1, { type: 'mute', userId: idOf(c2) });
    assert.equal(muted(f, sp), true);
    assert.equal(muted(f, c2), true);
    await assertRefused(f.room, 'cannot_target_host', () =>
      f.room.handleStage(c1, { type: 'mute', userId: idOf(f.host) }),
    );
  });

  void test('muting someone not on stage is not_on_stage', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'not_on_stage', () =>
      f.room.handleStage(f.host, { type: 'mute', userId: asUserId('ann') }),
    );
  });

  void test('the host can mute themself and unmute again', async () => {
    const f = await makeRoom();
    await f.room.handleStage(f.host, { type: 'mute_self' });
    assert.deepEqual(f.room.mixList(), []);
    await f.room.handleStage(f.host, { type: 'unmute' });
    assert.deepEqual(f.room.mixList(), [f.host.userId]);
  });

  void test('muting works backstage too (sound checks)', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await f.room.handleStage(f.host, { type: 'mute_self' });
    assert.equal(muted(f, f.host), true);
  });
});

void describe('remove and ban', () => {
  void test('the host removes a speaker: off stage, kicked as removed, may come back', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    const kicks: string[] = [];
    f.room.events.on('kicked', (id, reason) => kicks.push(`${id}:${reason}`));
    await f.room.handleStage(f.host, { type: 'remove', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'listener');
    assert.deepEqual(kicks, [`${sp.userId}:removed`]);
    await f.room.admit(sp);
  });

  void test('a banned user is kicked, persisted, and refused at admission with banned', async () => {
    const f = await makeRoom();
    const ann = user('ann');
    f.room.listenerJoined(ann);
    await f.room.handleAudience(ann, { type: 'raise_hand' });
    await f.room.handleStage(f.host, { type: 'ban', userId: idOf(ann) });
    assert.deepEqual(f.room.requests(), [], 'their raised hand is dropped');
    assert.equal(await f.store.isBanned(f.room.id, idOf(ann)), true);
    const bans = await f.store.listBans(f.room.id);
    assert.equal(bans[0]?.bannedBy, f.host.userId);
    await assert.rejects(f.room.admit(ann), { code: 'banned' });
  });

  void test('a ban recorded in the store (e.g. by another node) is enforced at admission', async () => {
    const f = await makeRoom();
    await f.store.addBan({ spaceId: f.room.id, userId: asUserId('u_bob'), bannedBy: idOf(f.host), at: 0 });
    await assert.rejects(f.room.admit(user('bob')), { code: 'banned' });
  });

  void test('a co-host can remove a speaker but not the host or another co-host', async () => {
    const f = await makeRoom();
    const [c1, c2, sp] = [user('co_one'), user('co_two'), user('speaker')];
    await makeCohost(f, c1);
    await makeCohost(f, c2);
    await bringUp(f, sp);
    await assertRefused(f.room, 'cannot_target_host', () =>
      f.room.handleStage(c1, { type: 'ban', userId: idOf(f.host) }),
    );
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(c1, { type: 'remove', userId: idOf(c2) }),
    );
    await f.room.handleStage(c1, { type: 'remove', userId: idOf(sp) });
    assert.equal(f.room.roleOf(idOf(sp)), 'listener');
  });

  void test('nobody can remove or ban themself; nobody not in the Space can be removed', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'cannot_target_self', () =>
      f.room.handleStage(f.host, { type: 'remove', userId: idOf(f.host) }),
    );
    await assertRefused(f.room, 'cannot_target_self', () =>
      f.room.handleStage(f.host, { type: 'ban', userId: idOf(f.host) }),
    );
    await assertRefused(f.room, 'not_in_space', () =>
      f.room.handleStage(f.host, { type: 'remove', userId: asUserId('ghost') }),
    );
  });

  void test('a speaker or listener cannot remove or ban', async () => {
    const f = await makeRoom();
    const sp = user('speaker');
    await bringUp(f, sp);
    f.room.listenerJoined(user('ann'));
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(sp, { type: 'remove', userId: idOf(user('ann')) }),
    );
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(user('ann'), { type: 'ban', userId: idOf(sp) }),
    );
  });

  void test('an admin can ban a co-host but not the host', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    const ops = user('ops', true);
    await f.room.handleStage(ops, { type: 'ban', userId: idOf(co) });
    assert.equal(f.room.roleOf(idOf(co)), 'listener');
    await assertRefused(f.room, 'cannot_target_host', () =>
      f.room.handleStage(ops, { type: 'ban', userId: idOf(f.host) }),
    );
  });
});

void describe('admission', () => {
  void test('anonymous listeners are admitted only if the Space allows them', async () => {
    const open = await makeRoom({ allowAnonymous: true });
    await open.room.admit(anonymous());
    const closed = await makeRoom({ allowAnonymous: false });
    await assert.rejects(closed.room.admit(anonymous()), { code: 'anonymous_not_allowed' });
    await closed.room.admit(user('ann'));
  });

  void test('nobody is admitted to an ended Space', async () => {
    const f = await makeRoom();
    await f.room.handleStage(f.host, { type: 'end_space' });
    await assert.rejects(f.room.admit(user('ann')), { code: 'space_ended' });
  });
});
