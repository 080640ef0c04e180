/**
 * Room.restore: a new home puts back the stage and raised hands a previous home announced,
 * in one step, with the rules the commands enforce and without per-person notices.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asUserId } from '../../protocol/ids.js';
import { LIMITS } from '../../protocol/limits.js';
import type { Role, StageMember, SpeakRequest } from '../../protocol/space.js';
import type { Room } from './room.js';
import { bringUp, idOf, makeRoom, user, type Fixture } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

const member = (handle: string, role: Role, muted = false): StageMember => ({
  userId: asUserId(`u_${handle}`),
  handle,
  role,
  muted,
  connected: true,
});
const hand = (handle: string, at = 1): SpeakRequest => ({ userId: asUserId(`u_${handle}`), handle, at });
const speakers = (n: number, from = 0): StageMember[] =>
  Array.from({ length: n }, (_, i) => member(`sp${i + from}`, 'speaker'));

/** counts every event the room emits while `fn` runs */
async function recordEvents(room: Room, fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  const offs = (['snapshot', 'requests', 'notify', 'kicked', 'mix', 'state', 'ended', 'counts'] as const).map(
    (e) => room.events.on(e, () => void (seen[e] = (seen[e] ?? 0) + 1)),
  );
  try {
    await fn();
  } finally {
    for (const off of offs) off();
  }
  return seen;
}

describe('Room.restore', () => {
  test('puts the stage back in its order, everyone muted and not connected, with the raised hands', async () => {
    const f = await makeRoom();
    const stage = [
      member('hosty', 'host'),
      member('ann', 'speaker'),
      member('bo', 'cohost'),
      member('cy', 'speaker', true),
    ];
    const result = await f.room.restore({ stage, requests: [hand('dee', 5), hand('eve', 7)] });
    assert.deepEqual(result, { restored: 3, hands: 2, skipped: [] });
    const s = f.room.snapshot();
    assert.deepEqual(
      s.stage.map((m) => [m.handle, m.role, m.muted, m.connected]),
      [
        ['hosty', 'host', true, false],
        ['ann', 'speaker', true, false],
        ['bo', 'cohost', true, false],
        ['cy', 'speaker', true, false],
      ],
    );
    assert.deepEqual(f.room.requests(), [hand('dee', 5), hand('eve', 7)]);
    assert.deepEqual(f.room.mixList(), [], 'no hot mics: nobody is mixed until they unmute');
  });

  test('emits one snapshot and one requests list, and no notice to anyone', async () => {
    const f = await makeRoom();
    const stage = [member('hosty', 'host'), member('ann', 'speaker'), member('bo', 'cohost')];
    const seen = await recordEvents(f.room, () => f.room.restore({ stage, requests: [hand('dee')] }));
    assert.deepEqual(seen, { snapshot: 1, requests: 1 });
    const quiet = await makeRoom();
    const alone = await recordEvents(quiet.room, () =>
      quiet.room.restore({ stage: [member('hosty', 'host')], requests: [] }),
    );
    assert.deepEqual(alone, { snapshot: 1 }, 'no requests list when no hand came back');
  });

  test('restored people act by the usual rules afterwards', async () => {
    const f = await makeRoom();
    const ann = user('ann');
    const dee = user('dee');
    await f.room.restore({
      stage: [member('hosty', 'host'), member('ann', 'speaker')],
      requests: [hand('dee')],
    });
    await f.room.handleStage(ann, { type: 'unmute' });
    assert.deepEqual(f.room.mixList(), [idOf(ann)], 'a restored speaker unmutes themself');
    await f.room.handleStage(f.host, { type: 'approve_request', userId: idOf(dee) });
    assert.equal(f.room.roleOf(idOf(dee)), 'speaker', 'a restored hand can be approved');
    await f.room.handleStage(f.host, { type: 'make_cohost', userId: idOf(ann) });
    await f.room.handleStage(f.host, { type: 'make_cohost', userId: idOf(dee) });
    await bringUp(f, user('zed'));
    await assertRefused(f.room, 'cohosts_full', () =>
      f.room.handleStage(f.host, { type: 'make_cohost', userId: asUserId('u_zed') }),
    );
  });

  test('the stored host wins over an announcement older than a hand-over', async () => {
    // the store says hosty; the last heartbeat still showed ann as host and hosty as co-host
    const f = await makeRoom();
    const stage = [member('ann', 'host'), member('hosty', 'cohost'), member('bo', 'cohost')];
    const result = await f.room.restore({ stage, requests: [] });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(
      f.room.snapshot().stage.map((m) => [m.handle, m.role]),
      [
        ['ann', 'cohost'],
        ['hosty', 'host'],
        ['bo', 'cohost'],
      ],
      'the announced host takes the co-host seat the stored host left',
    );
  });

  test('an announced host with no seat left is left out (stage_full), never over the caps', async () => {
    const f = await makeRoom();
    const full = [member('ann', 'host'), member('c1', 'cohost'), member('c2', 'cohost'), ...speakers(10)];
    const result = await f.room.restore({ stage: full, requests: [] });
    assert.deepEqual(result.skipped, [{ userId: asUserId('u_ann'), code: 'stage_full' }]);
    const s = f.room.snapshot();
    assert.equal(s.stage[0]?.userId, s.space.hostId, 'the stored host takes the first seat');
    assert.equal(s.stage.length, LIMITS.maxOnStage);
    const f2 = await makeRoom();
    const roomy = [member('ann', 'host'), member('c1', 'cohost'), member('c2', 'cohost'), ...speakers(3)];
    await f2.room.restore({ stage: roomy, requests: [] });
    assert.equal(f2.room.roleOf(asUserId('u_ann')), 'speaker', 'no co-host seat: speaker');
  });

  test('people banned in the store are left out, on stage and among the hands', async () => {
    const f = await makeRoom();
    for (const h of ['bo', 'eve'])
      await f.store.addBan({ spaceId: f.room.id, userId: asUserId(`u_${h}`), bannedBy: idOf(f.host), at: 1 });
    const stage = [member('hosty', 'host'), member('ann', 'speaker'), member('bo', 'cohost')];
    const result = await f.room.restore({ stage, requests: [hand('dee'), hand('eve')] });
    assert.deepEqual(result, {
      restored: 1,
      hands: 1,
      skipped: [
        { userId: asUserId('u_bo'), code: 'banned' },
        { userId: asUserId('u_eve'), code: 'banned' },
      ],
    });
    assert.deepEqual(
      f.room.snapshot().stage.map((m) => m.handle),
      ['hosty', 'ann'],
    );
    assert.deepEqual(f.room.requests(), [hand('dee')]);
  });

  test('speakers who are not (yet) present are restored; the host grace still hands the lead to a co-host', async () => {
    const f = await makeRoom({ config: { hostGraceMs: 1_000 } });
    await f.room.restore({ stage: [member('hosty', 'host'), member('bo', 'cohost')], requests: [] });
    assert.equal(f.room.snapshot().leaderId, idOf(f.host));
    f.room.stagePresence(asUserId('u_bo'), true);
    f.clock.advance(1_000);
    assert.equal(f.room.snapshot().leaderId, asUserId('u_bo'), 'the grace period ran from the load');
  });

  describe('refuses bad input whole, with a catalog code, changing nothing and emitting nothing', () => {
    const host = member('hosty', 'host');
    const cases: [string, Parameters<typeof assertRefused>[1], unknown][] = [
      ['not an object', 'bad_request', null],
      ['no list of hands', 'bad_request', { stage: [host] }],
      ['more than 13 on stage', 'stage_full', { stage: [host, ...speakers(13)], requests: [] }],
      ['11 speakers', 'stage_full', { stage: [host, ...speakers(11)], requests: [] }],
      [
        '3 co-hosts',
        'cohosts_full',
        { stage: [host, member('a', 'cohost'), member('b', 'cohost'), member('c', 'cohost')], requests: [] },
      ],
      ['two hosts', 'invalid_field', { stage: [host, member('ann', 'host')], requests: [] }],
      ['no host', 'invalid_field', { stage: [member('ann', 'speaker')], requests: [] }],
      [
        'someone twice',
        'invalid_field',
        { stage: [host, member('ann', 'speaker'), member('ann', 'cohost')], requests: [] },
      ],
      ['a listener on stage', 'invalid_field', { stage: [host, member('ann', 'listener')], requests: [] }],
      [
        'a malformed id',
        'invalid_field',
        { stage: [host, { ...member('ann', 'speaker'), userId: 'a b' }], requests: [] },
      ],
      [
        'a handle too long',
        'invalid_field',
        { stage: [host, member('x'.repeat(65), 'speaker')], requests: [] },
      ],
      [
        'a hand without time',
        'invalid_field',
        { stage: [host], requests: [{ userId: 'u_dee', handle: 'dee' }] },
      ],
      ['a hand raised twice', 'invalid_field', { stage: [host], requests: [hand('dee'), hand('dee')] }],
      [
        'a hand of someone on stage',
        'already_on_stage',
        { stage: [host, member('ann', 'speaker')], requests: [hand('ann')] },
      ],
      [
        'more hands than kept',
        'too_many_requests',
        { stage: [host], requests: Array.from({ length: 101 }, (_, i) => hand(`h${i}`)) },
      ],
    ];
    for (const [name, code, input] of cases) {
      test(`${name}: ${code}`, async () => {
        const f = await makeRoom();
        await assertRefused(f.room, code, () => f.room.restore(input));
      });
    }

    test('the field at fault is named', async () => {
      const f = await makeRoom();
      const bad = { stage: [host, { ...member('ann', 'speaker'), role: 'boss' }], requests: [] };
      await assert.rejects(f.room.restore(bad), {
        code: 'invalid_field',
        details: { field: 'stage[1].role' },
      });
    });

    test('a room something already happened in: invalid_transition', async () => {
      const f = await makeRoom();
      await bringUp(f, user('ann'));
      await assertRefused(f.room, 'invalid_transition', () =>
        f.room.restore({ stage: [host], requests: [] }),
      );
      const g = await makeRoom();
      await g.room.restore({ stage: [host, member('ann', 'speaker')], requests: [] });
      await assertRefused(g.room, 'invalid_transition', () =>
        g.room.restore({ stage: [host], requests: [] }),
      );
    });

    test('hands outside live, a stage before backstage, an ended Space', async () => {
      const b = await makeRoom({ state: 'backstage' });
      await assertRefused(b.room, 'space_not_live', () =>
        b.room.restore({ stage: [host], requests: [hand('dee')] }),
      );
      const s = await makeRoom({ state: 'scheduled' });
      await assertRefused(s.room, 'space_not_live', () =>
        s.room.restore({ stage: [host, member('ann', 'speaker')], requests: [] }),
      );
      const e = await makeRoom();
      await e.room.handleStage(e.host, { type: 'end_space' });
      await assertRefused(e.room, 'space_ended', () => e.room.restore({ stage: [host], requests: [] }));
    });
  });

  test('a closed room refuses', async () => {
    const f: Fixture = await makeRoom();
    f.room.close();
    await assert.rejects(f.room.restore({ stage: [], requests: [] }), { code: 'internal' });
  });
});
