import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpaceSnapshot } from '../../protocol/space.js';
import { anonymous, bringUp, makeCohost, makeRoom, user } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

void describe('set_recording', () => {
  void test('the host switches recording on and off: persisted, snapshot and recording events', async () => {
    const f = await makeRoom();
    const snapshots: SpaceSnapshot[] = [];
    const switches: boolean[] = [];
    f.room.events.on('snapshot', (s) => snapshots.push(s));
    f.room.events.on('recording', (on) => switches.push(on));
    await f.room.handleStage(f.host, { type: 'set_recording', on: true });
    assert.equal((await f.store.getSpace(f.room.id))?.recording, true);
    assert.equal(f.room.snapshot().space.recording, true);
    await f.room.handleStage(f.host, { type: 'set_recording', on: false });
    assert.equal((await f.store.getSpace(f.room.id))?.recording, false);
    assert.deepEqual(switches, [true, false]);
    assert.deepEqual(
      snapshots.map((s) => s.space.recording),
      [true, false],
    );
  });

  void test('switching to the current value changes nothing and writes nothing', async () => {
    const f = await makeRoom();
    let emitted = 0;
    f.room.events.on('recording', () => void emitted++);
    const writes = f.store.updates;
    await f.room.handleStage(f.host, { type: 'set_recording', on: false });
    assert.equal(f.store.updates, writes);
    assert.equal(emitted, 0);
  });

  void test('the host may switch recording in backstage too', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await f.room.handleStage(f.host, { type: 'set_recording', on: true });
    assert.equal((await f.store.getSpace(f.room.id))?.recording, true);
  });

  void test('an admin may switch recording', async () => {
    const f = await makeRoom();
    await f.room.handleStage(user('ops', true), { type: 'set_recording', on: true });
    assert.equal(f.room.snapshot().space.recording, true);
  });

  void test('co-hosts, speakers, listeners and anonymous listeners are refused with forbidden', async () => {
    const f = await makeRoom();
    const [co, sp, li] = [user('co'), user('sp'), user('li')];
    await makeCohost(f, co);
    await bringUp(f, sp);
    f.room.listenerJoined(li);
    for (const actor of [co, sp, li, anonymous()]) {
      await assertRefused(f.room, 'forbidden', () =>
        f.room.handleStage(actor, { type: 'set_recording', on: true }),
      );
    }
    assert.equal((await f.store.getSpace(f.room.id))?.recording, false);
  });

  void test('an ended Space refuses set_recording with space_ended', async () => {
    const f = await makeRoom();
    await f.room.handleStage(f.host, { type: 'end_space' });
    await assertRefused(f.room, 'space_ended', () =>
      f.room.handleStage(f.host, { type: 'set_recording', on: true }),
    );
    assert.equal((await f.store.getSpace(f.room.id))?.recording, false);
  });

  void test('a scheduled Space refuses set_recording with space_not_live', async () => {
    const f = await makeRoom({ state: 'scheduled' });
    await assertRefused(f.room, 'space_not_live', () =>
      f.room.handleStage(f.host, { type: 'set_recording', on: true }),
    );
  });

  void test('a malformed `on` is invalid_field and changes nothing', async () => {
    const f = await makeRoom();
    await assertRefused(f.room, 'invalid_field', () =>
      f.room.handleStage(f.host, { type: 'set_recording', on: 'yes' } as never),
    );
  });

  void test('a Space moved elsewhere meanwhile: invalid_transition, recording unchanged', async () => {
    const f = await makeRoom();
    await f.store.updateSpace(f.room.id, { state: 'ended' }); // another node ended it
    await assert.rejects(f.room.handleStage(f.host, { type: 'set_recording', on: true }), {
      code: 'invalid_transition',
    });
    assert.equal((await f.store.getSpace(f.room.id))?.recording, false);
    assert.equal(f.room.snapshot().space.recording, false);
  });
});
