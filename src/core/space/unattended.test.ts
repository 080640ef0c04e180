import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bringUp, idOf, makeCohost, makeRoom, user } from './testing/fixture.js';

/** lets the room's queued end (a store write) finish */
const settle = () => new Promise((r) => setImmediate(r));

void describe('a live Space nobody on stage attends ends by itself', () => {
  void test('the host closes the tab, nobody else is on stage: ended after 5 minutes, not before', async () => {
    const f = await makeRoom();
    const ended: string[] = [];
    f.room.events.on('ended', (reason) => ended.push(reason));
    f.room.stagePresence(idOf(f.host), true);
    f.room.listenerJoined(user('listener')); // listeners do not keep it alive
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(299_999);
    await settle();
    assert.equal(f.room.state, 'live');
    f.clock.advance(1);
    await settle();
    assert.equal(f.room.state, 'ended');
    assert.deepEqual(ended, ['unattended']);
    assert.equal((await f.store.getSpace(f.room.id))?.state, 'ended', 'the store knows: the lobby drops it');
  });

  void test('the host coming back before the time keeps it live, and the countdown starts again from zero', async () => {
    const f = await makeRoom();
    f.room.stagePresence(idOf(f.host), true);
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(290_000);
    f.room.stagePresence(idOf(f.host), true);
    f.clock.advance(600_000);
    await settle();
    assert.equal(f.room.state, 'live');
    f.room.stagePresence(idOf(f.host), false);
    f.clock.advance(290_000);
    await settle();
    assert.equal(f.room.state, 'live', 'a fresh 5 minutes');
  });

  void test('a connected co-host or speaker keeps it live while the host is gone', async () => {
    const f = await makeRoom();
    const [co, sp] = [user('co'), user('sp')];
    await makeCohost(f, co);
    await bringUp(f, sp);
    f.room.stagePresence(idOf(sp), true);
    f.clock.advance(900_000);
    await settle();
    assert.equal(f.room.state, 'live', 'a speaker on stage');
    // the speaker leaves the stage: still connected, but nobody on stage is
    await f.room.handleStage(sp, { type: 'leave_stage' });
    f.clock.advance(300_000);
    await settle();
    assert.equal(f.room.state, 'ended');
  });

  void test('a room loaded live with nobody connected (after a failover) counts from its load', async () => {
    const f = await makeRoom();
    f.clock.advance(300_000);
    await settle();
    assert.equal(f.room.state, 'ended');
  });

  void test('backstage never ends by itself, and 0 turns it off', async () => {
    const back = await makeRoom({ state: 'backstage' });
    back.clock.advance(3_600_000);
    await settle();
    assert.equal(back.room.state, 'backstage');
    const off = await makeRoom({ config: { unattendedEndMs: 0 } });
    off.clock.advance(3_600_000);
    await settle();
    assert.equal(off.room.state, 'live');
  });
});
