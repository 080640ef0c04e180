/**
 * The room enforces the permission matrix cell by cell: for every action and every kind of
 * actor, a `—` cell is refused with `forbidden` and changes nothing, and an allowed cell is
 * never refused with `forbidden` (it may still meet a state or command rule).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asQuestionId, type UserId } from '../../protocol/ids.js';
import type { Role } from '../../protocol/space.js';
import { isRostraError } from '../errors.js';
import type { Actor } from './actor.js';
import { ACTIONS, PERMISSIONS, type Action, type ActorKind } from './permissions.js';
import type { Room } from './room.js';
import { anonymous, bringUp, idOf, makeCohost, makeRoom, user, type Fixture } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

const TARGETED = new Set<Action>([
  'approve_request',
  'decline_request',
  'invite_to_stage',
  'move_to_audience',
  'mute',
  'make_cohost',
  'remove_cohost',
  'transfer_host',
  'remove',
  'ban',
  'ban_from_questions',
]);

interface Cast {
  actors: Record<Exclude<ActorKind, 'admin'>, Actor> & { admin: Actor };
  targets: Record<Role, UserId>;
}

/** a live room with a host, two co-hosts, two speakers and two listeners (one with a hand up) */
async function cast(f: Fixture): Promise<Cast> {
  const [co, co2, sp, sp2, li, li2] = ['co_a', 'co_b', 'sp_a', 'sp_b', 'li_a', 'li_b'].map((h) =>
    user(h),
  ) as [Actor, Actor, Actor, Actor, Actor, Actor];
  await makeCohost(f, co);
  await makeCohost(f, co2);
  await bringUp(f, sp);
  await bringUp(f, sp2);
  f.room.listenerJoined(li);
  f.room.listenerJoined(li2);
  await f.room.handleAudience(li2, { type: 'raise_hand' });
  return {
    actors: {
      host: f.host,
      cohost: co,
      speaker: sp,
      listener: li,
      anonymous: anonymous(),
      admin: user('ops', true),
    },
    targets: { host: idOf(f.host), cohost: idOf(co2), speaker: idOf(sp2), listener: idOf(li2) },
  };
}

function send(room: Room, action: Action, actor: Actor, target: UserId): Promise<void> {
  if (action === 'open_backstage') return room.openBackstage(actor);
  if (action === 'list_listeners') return room.listeners(actor, {}).then(() => undefined);
  const audience = ['raise_hand', 'lower_hand', 'accept_invite', 'decline_invite'] as const;
  if ((audience as readonly string[]).includes(action)) {
    return room.handleAudience(actor, { type: action as (typeof audience)[number] });
  }
  if (action === 'react') return room.handleAudience(actor, { type: 'react', emoji: '🔥' });
  if (action === 'ask') return room.handleAudience(actor, { type: 'ask', text: 'a question' });
  if (action === 'upvote')
    return room.handleAudience(actor, { type: 'upvote', questionId: asQuestionId('q') });
  if (action === 'set_questions')
    return room.handleStage(actor, { type: 'set_questions', enabled: true, slowModeMs: 0 });
  if (action === 'answer_question' || action === 'now_answering' || action === 'hide_question') {
    return room.handleStage(actor, { type: action, questionId: asQuestionId('q') });
  }
  const msg = TARGETED.has(action) ? { type: action, userId: target } : { type: action };
  return room.handleStage(actor, msg as never);
}

void test('every cell of the permission matrix is enforced by the room', async () => {
  let checked = 0;
  for (const action of ACTIONS) {
    for (const kind of ['host', 'cohost', 'speaker', 'listener', 'anonymous', 'admin'] as const) {
      const f = await makeRoom();
      const c = await cast(f);
      const cell = PERMISSIONS[action][kind === 'admin' ? 'listener' : kind];
      const adminCell = kind === 'admin' ? PERMISSIONS[action].admin : false;
      const allowed = cell !== false || adminCell !== false;
      const list = [cell, adminCell].find((x): x is readonly Role[] => Array.isArray(x));
      const target = c.targets[list?.[0] ?? 'speaker'];
      const actor = c.actors[kind];
      if (!allowed) {
        await assertRefused(f.room, 'forbidden', () => send(f.room, action, actor, target));
      } else {
        try {
          await send(f.room, action, actor, target);
        } catch (e) {
          assert.ok(isRostraError(e));
          assert.notEqual(
            e.code,
            'forbidden',
            `${kind} may ${action} per the matrix, but the room said forbidden`,
          );
        }
      }
      checked++;
      f.room.close();
    }
  }
  assert.equal(checked, ACTIONS.length * 6);
});
