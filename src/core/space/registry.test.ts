import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asSpaceId } from '../../protocol/ids.js';
import { RoomRegistry } from './registry.js';
import { makeRoom } from './testing/fixture.js';

void describe('room registry', () => {
  void test('loads one room per Space on demand, shared by concurrent callers', async () => {
    const f = await makeRoom();
    f.room.close();
    const loaded: string[] = [];
    const reg = new RoomRegistry({ store: f.store, clock: f.clock, onRoom: (r) => loaded.push(r.id) });
    const [a, b] = await Promise.all([reg.get(f.room.id), reg.get(f.room.id)]);
    assert.equal(a, b);
    assert.deepEqual(loaded, ['s1']);
    assert.equal(reg.size, 1);
    reg.close();
  });

  void test('an unknown Space is space_not_found and is not cached', async () => {
    const f = await makeRoom();
    const reg = new RoomRegistry({ store: f.store, clock: f.clock });
    await assert.rejects(reg.get(asSpaceId('nope')), { code: 'space_not_found' });
    assert.equal(reg.size, 0);
    reg.close();
  });

  void test('a room is dropped and closed when its Space ends; the next get is space_ended', async () => {
    const f = await makeRoom();
    const reg = new RoomRegistry({ store: f.store, clock: f.clock });
    const room = await reg.get(f.room.id);
    await room.handleStage(f.host, { type: 'end_space' });
    await new Promise((r) => setImmediate(r));
    assert.equal(room.closed, true);
    assert.equal(reg.size, 0);
    await assert.rejects(reg.get(f.room.id), { code: 'space_ended' });
    reg.close();
  });

  void test('close() closes every room, is idempotent, and get afterwards throws', async () => {
    const f = await makeRoom();
    const reg = new RoomRegistry({ store: f.store, clock: f.clock });
    const room = await reg.get(f.room.id);
    reg.close();
    reg.close();
    await new Promise((r) => setImmediate(r));
    assert.equal(room.closed, true);
    await assert.rejects(reg.get(f.room.id), { code: 'internal' });
  });
});

void describe('room close', () => {
  void test('close() is idempotent, cancels timers, and methods afterwards throw', async () => {
    const f = await makeRoom();
    await f.room.handleStage(f.host, { type: 'react', emoji: '🔥' });
    f.room.listenerJoined({ userId: null, handle: 'a', anonymous: true, admin: false });
    f.room.close();
    f.room.close();
    assert.equal(f.clock.pending, 0, 'no timer left behind');
    assert.throws(() => f.room.snapshot(), /closed/);
    assert.throws(
      () => f.room.listenerJoined({ userId: null, handle: 'a', anonymous: true, admin: false }),
      /closed/,
    );
    await assert.rejects(f.room.handleStage(f.host, { type: 'go_live' }), /closed/);
    await assert.rejects(f.room.admit(f.host), /closed/);
  });

  void test('a throwing event listener does not break the command', async () => {
    const f = await makeRoom();
    f.room.events.on('notify', () => {
      throw new Error('boom');
    });
    await f.room.handleAudience(
      { userId: null, handle: 'x', anonymous: false, admin: false },
      { type: 'react', emoji: '🔥' },
    );
    await f.room.handleAudience(
      { userId: 'u_ann' as never, handle: 'ann', anonymous: false, admin: false },
      { type: 'raise_hand' },
    );
    assert.equal(f.room.requests().length, 1);
  });
});
