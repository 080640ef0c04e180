/**
 * After a failover the new home's Room knows only what the store knows (the Space, its host).
 * This puts back the live stage the previous home last announced (its heartbeat carries the
 * snapshot and the raised hands): speakers and co-hosts, their mute state, raised hands.
 *
 * It replays ordinary room commands (the person raises a hand, the host approves it, makes
 * co-hosts, the person unmutes), so every rule of the room still holds (stage capacity, bans
 * in the store, the permission matrix) and nothing in core changes. Side effect, on purpose
 * visible: the people restored receive the usual `hand`/`role` notices once more. A proper
 * `Room.restore(snapshot)` in src/core/space would avoid that; see docs/cluster.md.
 */
import type { UserId } from '../protocol/ids.js';
import { Role, type SpaceSnapshot, type SpeakRequest } from '../protocol/space.js';
import type { Logger } from '../core/log.js';
import type { Actor, Room } from '../core/space/index.js';

const person = (userId: UserId, handle: string): Actor => ({
  userId,
  handle,
  anonymous: false,
  admin: false,
});

/** returns how many people were put back on stage */
export async function restoreStage(
  room: Room,
  last: { snapshot: SpaceSnapshot; requests: readonly SpeakRequest[] },
  log: Logger,
): Promise<number> {
  const now = room.snapshot();
  const state = now.space.state;
  if (state !== 'live' && state !== 'backstage') return 0;
  const hostId = now.space.hostId;
  const hostMember = now.stage.find((m) => m.userId === hostId);
  const host = person(hostId, hostMember?.handle ?? '');
  let restored = 0;
  const attempt = async (what: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      log.warn({ err, what, spaceId: room.id }, 'could not restore part of the stage after failover');
      return false;
    }
  };
  for (const m of last.snapshot.stage) {
    if (room.closed) return restored;
    const who = person(m.userId, m.handle);
    if (m.userId === hostId) {
      const current = room.snapshot().stage.find((x) => x.userId === hostId);
      if (current && current.muted !== m.muted)
        await attempt('host mute', () => room.handleStage(host, { type: m.muted ? 'mute_self' : 'unmute' }));
      continue;
    }
    if (m.role === Role.host || room.roleOf(m.userId) !== Role.listener) continue;
    const ok =
      (await attempt('raise hand', () => room.handleAudience(who, { type: 'raise_hand' }))) &&
      (await attempt('approve', () => room.handleStage(host, { type: 'approve_request', userId: m.userId })));
    if (!ok) continue;
    restored++;
    if (m.role === Role.cohost)
      await attempt('cohost', () => room.handleStage(host, { type: 'make_cohost', userId: m.userId }));
    if (!m.muted) await attempt('unmute', () => room.handleStage(who, { type: 'unmute' }));
  }
  for (const r of last.requests) {
    if (room.closed || room.roleOf(r.userId) !== Role.listener) continue;
    await attempt('raised hand', () =>
      room.handleAudience(person(r.userId, r.handle), { type: 'raise_hand' }),
    );
  }
  if (restored > 0) log.info({ spaceId: room.id, restored }, 'stage restored after failover');
  return restored;
}
