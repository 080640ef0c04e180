import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asUserId } from '../../protocol/ids.js';
import type { SpaceCounts } from '../../protocol/space.js';
import type { ReactionBatch } from './reaction-window.js';
import { anonymous, bringUp, makeRoom, user } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

void describe('reactions', () => {
  void test('reactions are aggregated into one event per 500 ms window with counts', async () => {
    const f = await makeRoom();
    const batches: ReactionBatch[] = [];
    f.room.events.on('reactions', (b) => batches.push(b));
    for (let i = 0; i < 5; i++) await f.room.handleAudience(user('ann'), { type: 'react', emoji: '🔥' });
    await f.room.handleAudience(anonymous(), { type: 'react', emoji: '👏' });
    await f.room.handleStage(f.host, { type: 'react', emoji: '👏' });
    f.clock.advance(499);
    assert.equal(batches.length, 0);
    f.clock.advance(1);
    assert.deepEqual(batches, [{ windowMs: 500, counts: { '🔥': 5, '👏': 2 } }]);
  });

  void test('no reactions, no event', async () => {
    const f = await makeRoom();
    let n = 0;
    f.room.events.on('reactions', () => n++);
    await f.room.handleAudience(user('ann'), { type: 'react', emoji: '💯' });
    f.clock.advance(10_000);
    assert.equal(n, 1);
  });

  void test('an emoji outside the allowed set is invalid_field', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'invalid_field', () =>
      f.room.handleAudience(user('ann'), { type: 'react', emoji: '🍕' as never }),
    );
  });

  void test('reactions are refused before the Space is live', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await assertRefused(f.room, 'space_not_live', () =>
      f.room.handleAudience(user('ann'), { type: 'react', emoji: '🔥' }),
    );
  });

  void test('the window length is configurable', async () => {
    const f = await makeRoom({ config: { reactionWindowMs: 100 } });
    const batches: ReactionBatch[] = [];
    f.room.events.on('reactions', (b) => batches.push(b));
    await f.room.handleAudience(user('ann'), { type: 'react', emoji: '😮' });
    f.clock.advance(100);
    assert.deepEqual(batches, [{ windowMs: 100, counts: { '😮': 1 } }]);
  });
});

void describe('listener counts', () => {
  void test('joins and leaves move listeningNow and totalJoined (distinct users, each anonymous connection)', async () => {
    const f = await makeRoom();
    const [ann, bob] = [user('ann'), user('bob')];
    f.room.listenerJoined(ann);
    f.room.listenerJoined(ann); // second tab
    f.room.listenerJoined(bob);
    f.room.listenerJoined(anonymous());
    f.room.listenerJoined(anonymous());
    assert.deepEqual(f.room.snapshot().counts, { listeningNow: 5, totalJoined: 4 });
    f.room.listenerLeft(ann);
    f.room.listenerLeft(bob);
    f.room.listenerJoined(bob);
    assert.deepEqual(f.room.snapshot().counts, { listeningNow: 4, totalJoined: 4 });
  });

  void test('counts are emitted at most once per 1 s window and only when changed', async () => {
    const f = await makeRoom();
    const seen: SpaceCounts[] = [];
    f.room.events.on('counts', (c) => seen.push(c));
    for (let i = 0; i < 50; i++) f.room.listenerJoined(user(`l${i}xx`));
    assert.equal(seen.length, 0, 'nothing emitted synchronously');
    f.clock.advance(1000);
    assert.deepEqual(seen, [{ listeningNow: 50, totalJoined: 50 }]);
    // a join followed by a leave within a window: no change, no event
    f.room.listenerJoined(user('l0xx'));
    f.room.listenerLeft(user('l0xx'));
    f.clock.advance(5000);
    assert.equal(seen.length, 1);
    f.room.listenerLeft(user('l1xx'));
    f.clock.advance(1000);
    assert.deepEqual(seen[1], { listeningNow: 49, totalJoined: 50 });
  });

  void test('after the end, joins and leaves move nothing and leave no timer behind', async () => {
    const f = await makeRoom();
    await f.room.handleStage(f.host, { type: 'end_space' });
    let counts = 0;
    f.room.events.on('counts', () => counts++);
    f.room.listenerJoined(user('ann'));
    f.room.listenerLeft(user('ann'));
    assert.equal(f.clock.pending, 0);
    f.clock.advance(5000);
    assert.equal(counts, 0);
  });

  void test('a leave without a join never drives the count below zero', async () => {
    const f = await makeRoom();
    f.room.listenerLeft(user('ann'));
    f.room.listenerLeft(anonymous());
    assert.deepEqual(f.room.snapshot().counts, { listeningNow: 0, totalJoined: 0 });
    f.room.listenerJoined(user('bob'));
    f.room.listenerLeft(anonymous()); // no anonymous connection is open: must not count bob out
    assert.deepEqual(f.room.snapshot().counts, { listeningNow: 1, totalJoined: 1 });
  });

  void test('100k joins are O(1) each: fast, and no per-listener event', async (t) => {
    const f = await makeRoom();
    await bringUp(f, user('speaker'));
    let events = 0;
    for (const e of ['snapshot', 'requests', 'notify', 'mix', 'counts', 'reactions', 'kicked'] as const) {
      f.room.events.on(e, () => events++);
    }
    const actors = Array.from({ length: 100_000 }, (_, i) => ({
      userId: asUserId(`listener_${i}`),
      handle: `listener_${i}`,
      anonymous: false,
      admin: false,
    }));
    const t0 = performance.now();
    for (const a of actors) f.room.listenerJoined(a);
    const ms = performance.now() - t0;
    t.diagnostic(`100k joins: ${ms.toFixed(1)} ms`);
    assert.equal(events, 0, 'no event per join');
    assert.ok(ms < 5000, `100k joins (an O(n) join would take minutes) took ${ms.toFixed(0)} ms`);
    f.clock.advance(1000);
    assert.equal(events, 1, 'one counts event for the whole burst');
    assert.deepEqual(
      f.room.snapshot().counts,
      { listeningNow: 100_001, totalJoined: 100_001 },
      'the speaker listens too',
    );
  });
});
