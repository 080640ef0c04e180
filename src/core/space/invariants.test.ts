/**
 * Property: random sequences of commands from random actors never break the room's
 * invariants, and every refusal is a RostraError that changes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LIMITS } from '../../protocol/limits.js';
import type { SpaceState } from '../../protocol/space.js';
import { isRostraError } from '../errors.js';
import { makeRoom } from './testing/fixture.js';
import { ORDER, checkInvariants, command, run } from './testing/random-commands.js';

void test('random commands from random actors never break the room invariants', async (t) => {
  const stats = { ok: 0, refused: 0, maxStage: 0, ended: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<SpaceState>('scheduled', 'backstage', 'live'),
      fc.array(command, { minLength: 1, maxLength: 120, size: 'max' }),
      async (start, commands) => {
        const f = await makeRoom({ state: start });
        const { room, clock } = f;
        // listeners run inside safeEmit (errors contained), so collect violations instead
        const violations: string[] = [];
        room.events.on('mix', (ids) => {
          const stage = room.snapshot().stage;
          for (const id of ids) {
            const m = stage.find((x) => x.userId === id);
            if (!m || m.muted) violations.push(`mix includes ${id}, who is muted or off stage`);
          }
        });
        let endedAt = -1;
        for (const [i, c] of commands.entries()) {
          const before = room.snapshot();
          const beforeReq = room.requests();
          if (c.k === 'advance') clock.advance(c.ms);
          try {
            await run(room, c);
            stats.ok++;
          } catch (e) {
            stats.refused++;
            assert.ok(isRostraError(e), `only RostraErrors, got ${String(e)}`);
            if (c.k !== 'advance' && c.k !== 'up') {
              assert.deepEqual(room.snapshot(), before, `refused ${c.k} changed the room`);
              assert.deepEqual(room.requests(), beforeReq);
            }
          }
          const after = room.snapshot();
          assert.ok(ORDER[after.space.state] >= ORDER[before.space.state], 'never backwards');
          if (endedAt >= 0) assert.equal(after.space.state, 'ended', 'ended is final');
          if (after.space.state === 'ended' && endedAt < 0) endedAt = i;
          checkInvariants(room);
          assert.deepEqual(violations, []);
          stats.maxStage = Math.max(stats.maxStage, after.stage.length);
          if (after.space.state === 'ended') stats.ended++;
          assert.equal((await f.store.getSpace(room.id))?.hostId, after.space.hostId, 'host persisted');
        }
        room.close();
      },
    ),
    { numRuns: 300 },
  );
  t.diagnostic(JSON.stringify(stats));
  assert.ok(
    stats.ok > 5000 && stats.maxStage === LIMITS.maxOnStage,
    'the commands really exercised the room',
  );
});
