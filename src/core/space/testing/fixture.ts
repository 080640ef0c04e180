/** Test fixture: a store with accounts and one Space, a fake clock, actors and a loaded Room. */
import { asSpaceId, asUserId, type UserId } from '../../../protocol/ids.js';
import type { SpaceState } from '../../../protocol/space.js';
import type { Actor } from '../actor.js';
import { Room } from '../room.js';
import type { RoomConfig } from '../room-events.js';
import { FakeClock } from './fake-clock.js';
import { MemoryStore } from './memory-store.js';

export const user = (handle: string, admin = false): Actor => ({
  userId: asUserId(`u_${handle}`),
  handle,
  anonymous: false,
  admin,
});

export const anonymous = (): Actor => ({ userId: null, handle: 'anonymous', anonymous: true, admin: false });

export const idOf = (actor: Actor): UserId => {
  if (actor.userId === null) throw new Error('anonymous actor has no id');
  return actor.userId;
};

export interface Fixture {
  store: MemoryStore;
  clock: FakeClock;
  room: Room;
  host: Actor;
}

export async function makeRoom(
  opts: { state?: SpaceState; allowAnonymous?: boolean; config?: Partial<RoomConfig> } = {},
): Promise<Fixture> {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const host = user('hosty');
  const hostId = idOf(host);
  await store.createAccount({ id: hostId, handle: host.handle, passwordHash: 'x', createdAt: 0 });
  const spaceId = asSpaceId('s1');
  await store.createSpace({
    id: spaceId,
    title: 't',
    description: '',
    state: opts.state ?? 'live',
    createdBy: hostId,
    hostId,
    scheduledFor: null,
    startedAt: null,
    endedAt: null,
    allowAnonymous: opts.allowAnonymous ?? true,
    recording: false,
    createdAt: 0,
  });
  const room = await Room.load({ spaceId, store, clock, config: opts.config });
  return { store, clock, room, host };
}

/** listener joins, raises a hand, the host approves: `actor` is now a speaker */
export async function bringUp(f: Fixture, actor: Actor): Promise<void> {
  f.room.listenerJoined(actor);
  await f.room.handleAudience(actor, { type: 'raise_hand' });
  await f.room.handleStage(f.host, { type: 'approve_request', userId: idOf(actor) });
}

/** a speaker made co-host by the host */
export async function makeCohost(f: Fixture, actor: Actor): Promise<void> {
  await bringUp(f, actor);
  await f.room.handleStage(f.host, { type: 'make_cohost', userId: idOf(actor) });
}
