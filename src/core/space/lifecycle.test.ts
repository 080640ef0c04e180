import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIMITS } from '../../protocol/limits.js';
import type { SpaceState } from '../../protocol/space.js';
import { isRostraError } from '../errors.js';
import { canTransition, validateSchedule } from './lifecycle.js';
import { Room } from './room.js';
import { makeRoom, user } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

const STATES: SpaceState[] = ['scheduled', 'backstage', 'live', 'ended'];
const FORWARD = new Set([
  'scheduled>backstage',
  'scheduled>ended',
  'backstage>live',
  'backstage>ended',
  'live>ended',
]);

void describe('Space lifecycle', () => {
  void test('only the forward edges exist; nothing goes backwards and ended is final', () => {
    for (const from of STATES) {
      for (const to of STATES) {
        assert.equal(canTransition(from, to), FORWARD.has(`${from}>${to}`), `${from} -> ${to}`);
      }
    }
  });

  void test('scheduled -> backstage -> live -> ended, each persisted and emitted once', async () => {
    const f = await makeRoom({ state: 'scheduled' });
    const seen: string[] = [];
    f.room.events.on('state', (from, to) => seen.push(`${from}>${to}`));
    let ended = '';
    f.room.events.on('ended', (reason) => (ended = reason));
    await f.room.openBackstage(f.host);
    assert.equal((await f.store.getSpace(f.room.id))?.state, 'backstage');
    f.clock.advance(1000);
    await f.room.handleStage(f.host, { type: 'go_live' });
    const live = await f.store.getSpace(f.room.id);
    assert.equal(live?.state, 'live');
    assert.equal(live?.startedAt, f.clock.now());
    await f.room.handleStage(f.host, { type: 'end_space' });
    const end = await f.store.getSpace(f.room.id);
    assert.equal(end?.state, 'ended');
    assert.equal(end?.endedAt, f.clock.now());
    assert.deepEqual(seen, ['scheduled>backstage', 'backstage>live', 'live>ended']);
    assert.match(ended, /hosty/);
  });

  void test('a scheduled Space can be cancelled (scheduled -> ended)', async () => {
    const f = await makeRoom({ state: 'scheduled' });
    await f.room.handleStage(f.host, { type: 'end_space' });
    assert.equal(f.room.state, 'ended');
  });

  void test('a backstage Space can be cancelled (backstage -> ended)', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await f.room.handleStage(f.host, { type: 'end_space' });
    assert.equal(f.room.state, 'ended');
  });

  void test('a co-host can go live from backstage', async () => {
    const f = await makeRoom({ state: 'backstage' });
    const c = user('cohost1');
    f.room.listenerJoined(c);
    await f.room.handleStage(f.host, { type: 'invite_to_stage', userId: c.userId! });
    await f.room.handleAudience(c, { type: 'accept_invite' });
    await f.room.handleStage(f.host, { type: 'make_cohost', userId: c.userId! });
    await f.room.handleStage(c, { type: 'go_live' });
    assert.equal(f.room.state, 'live');
  });

  void test('go_live is refused with invalid_transition when scheduled or already live', async () => {
    const s = await makeRoom({ state: 'scheduled' });
    await assertRefused(s.room, 'invalid_transition', () => s.room.handleStage(s.host, { type: 'go_live' }));
    const l = await makeRoom({ state: 'live' });
    await assertRefused(l.room, 'invalid_transition', () => l.room.handleStage(l.host, { type: 'go_live' }));
  });

  void test('opening backstage twice is refused with invalid_transition', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await assertRefused(f.room, 'invalid_transition', () => f.room.openBackstage(f.host));
  });

  void test('after the end every command is refused with space_ended', async () => {
    const f = await makeRoom({ state: 'live' });
    await f.room.handleStage(f.host, { type: 'end_space' });
    await assertRefused(f.room, 'space_ended', () => f.room.handleStage(f.host, { type: 'go_live' }));
    await assertRefused(f.room, 'space_ended', () => f.room.handleStage(f.host, { type: 'end_space' }));
    await assertRefused(f.room, 'space_ended', () => f.room.openBackstage(f.host));
    await assertRefused(f.room, 'space_ended', () => f.room.handleStage(f.host, { type: 'mute_self' }));
    await assertRefused(f.room, 'space_ended', () =>
      f.room.handleAudience(user('ann'), { type: 'raise_hand' }),
    );
    await assertRefused(f.room, 'space_ended', () => f.room.admit(user('ann')));
  });

  void test('an ended Space cannot be loaded into a room', async () => {
    const f = await makeRoom({ state: 'live' });
    await f.room.handleStage(f.host, { type: 'end_space' });
    await assert.rejects(Room.load({ spaceId: f.room.id, store: f.store, clock: f.clock }), {
      code: 'space_ended',
    });
  });

  void test('a Space moved elsewhere is adopted and the stale transition is refused', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await f.store.updateSpace(f.room.id, { state: 'ended' });
    const states: string[] = [];
    f.room.events.on('state', (a, b) => states.push(`${a}>${b}`));
    await assert.rejects(f.room.handleStage(f.host, { type: 'go_live' }), { code: 'invalid_transition' });
    assert.equal(f.room.state, 'ended');
    assert.deepEqual(states, ['backstage>ended']);
  });

  void test('only the host (or an admin) can end the Space', async () => {
    const f = await makeRoom({ state: 'live' });
    await assertRefused(f.room, 'forbidden', () => f.room.handleStage(user('rando'), { type: 'end_space' }));
    await f.room.handleStage(user('ops', true), { type: 'end_space' });
    assert.equal(f.room.state, 'ended');
  });

  void test('a listener cannot open backstage or go live', async () => {
    const s = await makeRoom({ state: 'scheduled' });
    await assertRefused(s.room, 'forbidden', () => s.room.openBackstage(user('ann')));
    const b = await makeRoom({ state: 'backstage' });
    await assertRefused(b.room, 'forbidden', () => b.room.handleStage(user('ann'), { type: 'go_live' }));
  });
});

void describe('validateSchedule', () => {
  const now = 1_700_000_000_000;
  const code = (fn: () => void): string | null => {
    try {
      fn();
      return null;
    } catch (e) {
      return isRostraError(e) ? e.code : 'not a RostraError';
    }
  };
  void test('accepts a start in the future up to the limit', () => {
    assert.equal(
      code(() => validateSchedule(now, now + 1)),
      null,
    );
    assert.equal(
      code(() => validateSchedule(now, now + LIMITS.maxScheduleAheadMs)),
      null,
    );
  });
  void test('refuses a start now or in the past', () => {
    assert.equal(
      code(() => validateSchedule(now, now)),
      'invalid_field',
    );
    assert.equal(
      code(() => validateSchedule(now, now - 60_000)),
      'invalid_field',
    );
  });
  void test('refuses a start more than 14 days ahead', () => {
    assert.equal(
      code(() => validateSchedule(now, now + LIMITS.maxScheduleAheadMs + 1)),
      'invalid_field',
    );
  });
  void test('refuses a non-integer or non-finite time', () => {
    assert.equal(
      code(() => validateSchedule(now, Number.NaN)),
      'invalid_field',
    );
    assert.equal(
      code(() => validateSchedule(now, now + 0.5)),
      'invalid_field',
    );
  });
});
