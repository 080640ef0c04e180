/**
 * Random command sequences for property tests of the Room: a pool of actors (the host, named
 * users, an anonymous listener, an admin), a weighted mix of commands that often succeed, and
 * the invariants every reachable room keeps.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { asUserId, type UserId } from '../../../protocol/ids.js';
import { LIMITS } from '../../../protocol/limits.js';
import type { StageClientMessage } from '../../../protocol/stage.js';
import type { SpaceState } from '../../../protocol/space.js';
import type { Actor } from '../actor.js';
import type { Room } from '../room.js';
import { anonymous, user } from './fixture.js';

const STAGE_TYPES = [
  'go_live',
  'approve_request',
  'decline_request',
  'invite_to_stage',
  'move_to_audience',
  'leave_stage',
  'mute',
  'unmute',
  'mute_self',
  'make_cohost',
  'remove_cohost',
  'transfer_host',
  'remove',
  'ban',
  'react',
] as const;
const AUDIENCE_TYPES = ['react', 'raise_hand', 'lower_hand', 'accept_invite', 'decline_invite'] as const;
export const ORDER: Record<SpaceState, number> = { scheduled: 0, backstage: 1, live: 2, ended: 3 };

/** index 0 is the host; 1..15 named users; 16 anonymous; 17 an admin */
export const ACTORS: Actor[] = [
  user('hosty'),
  ...Array.from({ length: 15 }, (_, i) => user(`user${i}`)),
  anonymous(),
  user('ops', true),
];
export const idAt = (i: number): UserId => ACTORS[i]?.userId ?? asUserId('ghost');

const who = fc.nat({ max: ACTORS.length - 1 });
export const command = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('stage' as const),
      a: who,
      type: fc.constantFrom(...STAGE_TYPES),
      t: who,
      e: fc.constantFrom(...LIMITS.reactions),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('audience' as const),
      a: who,
      type: fc.constantFrom(...AUDIENCE_TYPES),
      e: fc.constantFrom(...LIMITS.reactions),
    }),
  },
  { weight: 10, arbitrary: fc.record({ k: fc.constant('up' as const), a: who, t: who }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('forward' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('promote' as const), t: who }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('end' as const), a: fc.nat({ max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('join' as const), a: who, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('presence' as const), a: who, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('publishing' as const), a: who, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.nat({ max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('backstage' as const), a: who }) },
);
export type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

export function checkInvariants(room: Room): void {
  const s = room.snapshot();
  const hosts = s.stage.filter((m) => m.role === 'host');
  assert.equal(hosts.length, 1, 'exactly one host');
  assert.equal(hosts[0]?.userId, s.space.hostId, 'the host on stage is the stored host');
  assert.ok(s.stage.filter((m) => m.role === 'cohost').length <= LIMITS.maxCohosts, '<= 2 co-hosts');
  assert.ok(s.stage.filter((m) => m.role === 'speaker').length <= LIMITS.maxSpeakers, '<= 10 speakers');
  assert.ok(s.stage.length <= LIMITS.maxOnStage, '<= 13 on stage');
  assert.equal(new Set(s.stage.map((m) => m.userId)).size, s.stage.length, 'nobody twice on stage');
  assert.ok(
    s.stage.some((m) => m.userId === s.leaderId),
    'the leader is on stage',
  );
  assert.ok(s.counts.listeningNow >= 0 && s.counts.totalJoined >= 0);
  const expectedMix = s.stage.filter((m) => !m.muted).map((m) => m.userId);
  if (s.space.state !== 'ended') assert.deepEqual(room.mixList(), expectedMix, 'mix = unmuted on stage');
}

export const hostActor = (room: Room): Actor =>
  ACTORS.find((a) => a.userId === room.snapshot().space.hostId) ?? ACTORS[0]!;

export async function run(room: Room, c: Command): Promise<void> {
  switch (c.k) {
    case 'stage': {
      const msg = { type: c.type, userId: idAt(c.t), emoji: c.e } as unknown as StageClientMessage;
      return room.handleStage(ACTORS[c.a]!, msg);
    }
    case 'audience':
      return room.handleAudience(ACTORS[c.a]!, { type: c.type, emoji: c.e });
    case 'join':
      return c.on ? room.listenerJoined(ACTORS[c.a]!) : room.listenerLeft(ACTORS[c.a]!);
    case 'presence':
      return room.stagePresence(idAt(c.a), c.on);
    case 'publishing':
      return room.publishing(idAt(c.a), c.on);
    case 'advance':
      return;
    case 'up':
      // a likely-successful pair: someone raises a hand, someone (often the host) approves
      await room.handleAudience(ACTORS[c.t]!, { type: 'raise_hand' });
      return room.handleStage(c.a % 3 === 0 ? ACTORS[c.a]! : hostActor(room), {
        type: 'approve_request',
        userId: idAt(c.t),
      });
    case 'promote':
      return room.handleStage(hostActor(room), { type: 'make_cohost', userId: idAt(c.t) });
    case 'forward':
      // the host moves the Space one step forward (towards live)
      return room.state === 'scheduled'
        ? room.openBackstage(hostActor(room))
        : room.handleStage(hostActor(room), { type: 'go_live' });
    case 'end':
      // from anyone in the pool, or (rarely: a >= 95) from the current host
      if (c.a >= ACTORS.length && c.a < 95) return;
      return room.handleStage(ACTORS[c.a] ?? hostActor(room), { type: 'end_space' });
    case 'backstage':
      return room.openBackstage(ACTORS[c.a]!);
  }
}
