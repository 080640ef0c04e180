/**
 * After a failover the new home's Room knows only what the store knows (the Space, its host).
 * This puts back the live stage the previous home last announced: its heartbeat carries the
 * snapshot and the raised hands, and every node with the Space caches them (space-node.ts).
 *
 * `Room.restore` does it in one step with the room's own rules (caps, bans in the store, the
 * stored host wins over an older announcement), everyone comes back muted (no hot mics), and
 * nobody receives a role or hand notice again: the transports see one snapshot. It must be
 * the first thing the new Room does (it refuses a room in which something already happened),
 * so the home calls this before it takes commands. A refusal or a store error is logged and
 * the Space goes on with the host alone on stage, as before restore existed.
 */
import type { SpaceSnapshot, SpeakRequest } from '../protocol/space.js';
import type { Logger } from '../core/log.js';
import type { Room } from '../core/space/index.js';

/** returns how many people were put back on stage (the host not counted) */
export async function restoreStage(
  room: Room,
  last: { snapshot: SpaceSnapshot; requests: readonly SpeakRequest[] },
  log: Logger,
): Promise<number> {
  try {
    const r = await room.restore({ stage: last.snapshot.stage, requests: last.requests });
    if (r.skipped.length > 0)
      log.warn({ spaceId: room.id, skipped: r.skipped }, 'left out of the restored stage');
    if (r.restored > 0 || r.hands > 0)
      log.info({ spaceId: room.id, restored: r.restored, hands: r.hands }, 'stage restored after failover');
    return r.restored;
  } catch (err) {
    if (!room.closed) log.warn({ err, spaceId: room.id }, 'could not restore the stage after failover');
    return 0;
  }
}
