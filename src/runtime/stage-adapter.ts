/**
 * StagePlane on top of src/stage's StageMedia: translates the room's "who is audible" list into
 * per-speaker server-side mute, and sums mixer stats over the Spaces open on this node.
 * Runs on whichever thread calls it: the node's main thread (`--stage-thread false`) or the
 * stage worker (src/runtime/stage-worker.ts, the default).
 */
import { asSessionId, type SpaceId, type UserId } from '../protocol/ids.js';
import { TypedEmitter } from '../core/events.js';
import type { Logger } from '../core/log.js';
import { StageMedia, type IceOptions } from '../stage/index.js';
import type { StagePlane, StagePlaneEvents } from './stage-plane.js';

export function createStagePlane(log: Logger, ice: IceOptions = {}): StagePlane {
  const media = new StageMedia({ log, ice });
  const events = new TypedEmitter<StagePlaneEvents>();
  /** per Space: the users the room says may be heard */
  const audible = new Map<SpaceId, Set<UserId>>();
  /** per Space: users who ever had a session, so mute can be applied to them */
  const known = new Map<SpaceId, Set<UserId>>();
  /** stats of Spaces already closed, so counters never go backwards */
  const retired = { frames: 0, lateTicks: 0 };

  media.events.on('frame', (spaceId, frame) => events.safeEmit('frame', spaceId, frame));
  media.events.on('levels', (spaceId, levels) => events.safeEmit('levels', spaceId, levels));
  media.events.on('speech', (spaceId, endsAt, chunks) => events.safeEmit('speech', spaceId, endsAt, chunks));
  media.events.on('publishing', (spaceId, userId, up) => events.safeEmit('publishing', spaceId, userId, up));
  media.events.on('slots', (spaceId, userId, slots) => {
    const bySlot: Record<string, UserId> = {};
    for (const [slot, who] of Object.entries(slots)) bySlot[slot] = who;
    events.safeEmit('slots', spaceId, userId, bySlot);
  });
  media.events.on('sessionClosed', (spaceId, userId, sessionId) =>
    events.safeEmit('sessionClosed', spaceId, userId, sessionId),
  );

  const isAudible = (spaceId: SpaceId, userId: UserId) => audible.get(spaceId)?.has(userId) ?? false;

  return {
    events,
    async createSession({ spaceId, userId, offerSdp }) {
      let users = known.get(spaceId);
      if (!users) known.set(spaceId, (users = new Set()));
      users.add(userId);
      return media.createSession({ spaceId, userId, offerSdp, muted: !isAudible(spaceId, userId) });
    },
    sessionOwner(sessionId) {
      return media.sessionInfo(asSessionId(sessionId)) ?? undefined;
    },
    closeSession(sessionId) {
      return media.closeSession(asSessionId(sessionId));
    },
    closeUser(spaceId, userId) {
      media
        .closeUser(spaceId, userId)
        .catch((err: unknown) => log.warn({ err, spaceId, userId }, 'closing a speaker failed'));
    },
    setAudible(spaceId, userIds) {
      const next = new Set(userIds);
      audible.set(spaceId, next);
      const users = known.get(spaceId) ?? new Set<UserId>();
      for (const u of next) users.add(u);
      known.set(spaceId, users);
      for (const u of users) media.setMuted(spaceId, u, !next.has(u));
    },
    openSpace(spaceId, timelineOrigin) {
      media.openSpace(spaceId, timelineOrigin);
    },
    setSpeechTap(spaceId, on) {
      media.setSpeechTap(spaceId, on);
    },
    closeSpace(spaceId) {
      const stats = media.mixerStats(spaceId);
      if (stats) {
        retired.frames += stats.frames;
        retired.lateTicks += stats.lateTicks;
      }
      audible.delete(spaceId);
      known.delete(spaceId);
      media
        .closeSpace(spaceId)
        .catch((err: unknown) => log.warn({ err, spaceId }, 'closing a Space media failed'));
    },
    stats() {
      const sum = { ...retired };
      for (const spaceId of audible.keys()) {
        const s = media.mixerStats(spaceId);
        if (s) {
          sum.frames += s.frames;
          sum.lateTicks += s.lateTicks;
        }
      }
      return sum;
    },
    close: () => media.close(),
  };
}
