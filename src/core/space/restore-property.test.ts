/**
 * Properties of Room.restore:
 * - after any random sequence of commands, restoring the room's announced stage and hands into
 *   a freshly loaded room of the same Space gives the same stage (everyone muted and not
 *   connected: no hot mics) and the same hands, keeps every invariant, and notifies nobody;
 * - any input at all is either refused with a RostraError that changes nothing, or leaves a
 *   room that keeps every invariant.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { asUserId, type UserId } from '../../protocol/ids.js';
import type { SpaceState } from '../../protocol/space.js';
import { isRostraError } from '../errors.js';
import { Room } from './room.js';
import { makeRoom } from './testing/fixture.js';
import { ACTORS, checkInvariants, command, run } from './testing/random-commands.js';

void test('restore(snapshot(room)) in a fresh room gives the same stage and hands, without notices', async (t) => {
  const stats = { restored: 0, maxStage: 0, maxHands: 0, ended: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<SpaceState>('scheduled', 'backstage', 'live'),
      fc.array(command, { minLength: 1, maxLength: 80, size: 'max' }),
      async (start, commands) => {
        const f = await makeRoom({ state: start });
        // every actor has an account, so a host loaded from the store after a hand-over has a handle
        for (const a of ACTORS.slice(1))
          if (a.userId && !a.anonymous)
            await f.store.createAccount({ id: a.userId, handle: a.handle, passwordHash: 'x', createdAt: 0 });
        for (const c of commands) {
          if (c.k === 'advance') f.clock.advance(c.ms);
          await run(f.room, c).catch((e: unknown) => assert.ok(isRostraError(e), String(e)));
        }
        const before = f.room.snapshot();
        const hands = f.room.requests();
        f.room.close(); // the old home is gone; the store is what the new home loads
        const next = await Room.load({ spaceId: f.room.id, store: f.store, clock: f.clock }).catch(
          (e: unknown) => e,
        );
        if (before.space.state === 'ended') {
          assert.ok(isRostraError(next) && next.code === 'space_ended');
          stats.ended++;
          return;
        }
        assert.ok(next instanceof Room);
        const notices: string[] = [];
        next.events.on('notify', (id, n) => notices.push(`${id} ${n.type}`));
        next.events.on('kicked', (id) => notices.push(`${id} kicked`));
        const result = await next.restore({ stage: before.stage, requests: hands });
        // the random commands skip `admit`, so a pre-emptively banned user may have reached the
        // stage or raised a hand here; a restore leaves them out (the transports would have)
        const banned = new Set((await f.store.listBans(f.room.id)).map((b) => b.userId));
        const out = (id: UserId) => banned.has(id) && id !== before.space.hostId;
        const after = next.snapshot();
        assert.deepEqual(after.space, before.space);
        assert.deepEqual(
          after.stage,
          before.stage.filter((m) => !out(m.userId)).map((m) => ({ ...m, muted: true, connected: false })),
        );
        assert.deepEqual(
          next.requests(),
          hands.filter((r) => !out(r.userId)),
        );
        const skipped = [...before.stage, ...hands].filter((m) => out(m.userId));
        assert.deepEqual(result, {
          restored: after.stage.length - 1,
          hands: next.requests().length,
          skipped: skipped.map((m) => ({ userId: m.userId, code: 'banned' })),
        });
        assert.deepEqual(notices, []);
        checkInvariants(next);
        next.close();
        stats.restored++;
        stats.maxStage = Math.max(stats.maxStage, after.stage.length);
        stats.maxHands = Math.max(stats.maxHands, hands.length);
      },
    ),
    { numRuns: 200 },
  );
  t.diagnostic(JSON.stringify(stats));
  assert.ok(stats.restored > 100 && stats.maxStage >= 10 && stats.maxHands >= 3, 'rich stages were restored');
});

const ids = ACTORS.map((a) => a.userId ?? asUserId('anon'));
const someId = fc.constantFrom(...ids);
/** mostly well-formed parts, so that a good share of inputs is accepted */
const goodMember = fc.record({
  userId: someId,
  handle: fc.constantFrom('ann', 'bo'),
  role: fc.constantFrom('cohost', 'speaker', 'speaker', 'speaker'),
  muted: fc.boolean(),
  connected: fc.boolean(),
});
const badMember = fc.record({
  userId: fc.oneof(someId, fc.string({ maxLength: 3 })),
  handle: fc.oneof(fc.constant('ann'), fc.string({ maxLength: 70 })),
  role: fc.constantFrom('host', 'cohost', 'speaker', 'listener', 'boss'),
});
const goodHand = fc.record({ userId: someId, handle: fc.constant('dee'), at: fc.nat() });
const badHand = fc.record({
  userId: fc.oneof(someId, fc.string({ maxLength: 3 })),
  handle: fc.constantFrom('dee', ''),
  at: fc.oneof(fc.nat(), fc.constant(Number.NaN), fc.constant(-1)),
});
const wellFormed = fc.record({
  stage: fc
    .tuple(someId, fc.uniqueArray(goodMember, { selector: (m) => m.userId, maxLength: 13 }))
    .map(([host, rest]) => [
      { userId: host, handle: 'h', role: 'host', muted: false, connected: true },
      ...rest.filter((m) => m.userId !== host),
    ]),
  requests: fc.uniqueArray(goodHand, { selector: (r) => r.userId, maxLength: 6 }),
});
const anyInput = fc.oneof(
  { weight: 1, arbitrary: fc.anything() },
  {
    weight: 3,
    arbitrary: fc.record({
      stage: fc.array(fc.oneof(goodMember, badMember), { maxLength: 15 }),
      requests: fc.array(fc.oneof(goodHand, badHand), { maxLength: 6 }),
    }),
  },
  { weight: 6, arbitrary: wellFormed },
);

void test('any input is refused whole, or leaves a room that keeps every invariant', async (t) => {
  const stats = { accepted: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<SpaceState>('backstage', 'live'), anyInput, async (start, input) => {
      const f = await makeRoom({ state: start });
      await f.store.addBan({ spaceId: f.room.id, userId: ids[3]!, bannedBy: ids[0]!, at: 1 });
      const before = f.room.snapshot();
      let notices = 0;
      f.room.events.on('notify', () => void notices++);
      try {
        await f.room.restore(input);
        stats.accepted++;
        assert.ok(!f.room.snapshot().stage.some((m) => m.userId === ids[3]), 'nobody banned on stage');
      } catch (e) {
        assert.ok(isRostraError(e), String(e));
        assert.deepEqual(f.room.snapshot(), before, 'a refused restore changed the room');
        assert.deepEqual(f.room.requests(), []);
        stats.refused++;
      }
      assert.equal(notices, 0);
      checkInvariants(f.room);
      f.room.close();
    }),
    { numRuns: 1000 },
  );
  t.diagnostic(JSON.stringify(stats));
  assert.ok(stats.accepted > 20 && stats.refused > 20, 'both outcomes were exercised');
});
