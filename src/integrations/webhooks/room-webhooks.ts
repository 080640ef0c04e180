/**
 * Turns one room's events into webhook events, on the Space's home node (where its room actor
 * runs). Only Space-level facts are watched: the lifecycle, who is on stage, bans. Listener
 * joins, counts and reactions are not, so a crowd adds no webhook work at all.
 *
 * Stage membership is diffed between snapshots (one per stage-changing command). The stage a
 * room starts with (a restart or failover restores it) is the baseline and raises nothing, so a
 * new home does not announce everyone again. Lifecycle events carry a stable key (`once`): if
 * two nodes both see a transition, the outbox stores it once.
 */
import type { UserId } from '../../protocol/ids.js';
import { SpaceState, type SpaceSnapshot } from '../../protocol/space.js';
import { WebhookEventType as E } from '../../protocol/webhooks.js';
import type { Room } from '../../core/space/index.js';
import type { WebhookEmitter } from './emitter.js';
import { webhookSpace } from './payload.js';

export interface RoomWebhookDeps {
  emitter: WebhookEmitter;
  /** the deployment's public URL, for links in events */
  baseUrl: string;
  /** ms since epoch */
  now: () => number;
}

type Watched = Pick<Room, 'id' | 'events' | 'snapshot'>;

/** Watches `room` until it ends or the returned function is called. */
export function watchRoomForWebhooks(room: Watched, deps: RoomWebhookDeps): () => void {
  const { emitter } = deps;
  if (emitter.idle) return () => {};
  const spaceId = room.id;
  const stage = stageOf(room.snapshot());
  const offs: (() => void)[] = [];

  offs.push(
    room.events.on('snapshot', (snap) => {
      if (snap.space.state === SpaceState.ended) return;
      const now = stageOf(snap);
      const at = deps.now();
      for (const [userId, m] of now)
        if (!stage.has(userId))
          void emitter.emit(
            E.stageJoined,
            { spaceId, userId, handle: m.handle, role: m.role },
            { spaceId, at },
          );
      for (const [userId, m] of stage)
        if (!now.has(userId))
          void emitter.emit(E.stageLeft, { spaceId, userId, handle: m.handle }, { spaceId, at });
      stage.clear();
      for (const [k, v] of now) stage.set(k, v);
    }),
  );

  offs.push(
    room.events.on('state', (_from, to) => {
      const info = room.snapshot().space;
      const space = webhookSpace(info, deps.baseUrl);
      const at = deps.now();
      const once = (key: string) => ({ spaceId, at, once: key });
      if (to === SpaceState.backstage) void emitter.emit(E.spaceOpened, { space }, once('opened'));
      if (to === SpaceState.live) {
        void emitter.emit(E.spaceLive, { space }, once('live'));
        if (info.scheduledFor !== null && info.reminderCount > 0)
          void emitter.emit(E.reminderFired, { space, reminderCount: info.reminderCount }, once('reminder'));
      }
      if (to === SpaceState.ended) {
        void emitter.emit(E.spaceEnded, { space }, once('ended'));
        if (info.recording && info.startedAt !== null) {
          const base = `${deps.baseUrl}/v1/spaces/${encodeURIComponent(spaceId)}`;
          void emitter.emit(
            E.recordingReady,
            { space, replayUrl: `${base}/replay/playlist.m3u8`, downloadUrl: `${base}/replay.opus` },
            once('recording'),
          );
        }
      }
    }),
  );

  offs.push(
    room.events.on('kicked', (userId, reason) => {
      if (reason !== 'banned') return;
      void emitter.emit(E.userBanned, { spaceId, userId, by: 'host' }, { spaceId, at: deps.now() });
    }),
  );

  const stop = () => {
    for (const off of offs.splice(0)) off();
  };
  offs.push(room.events.on('ended', () => queueMicrotask(stop)));
  return stop;
}

function stageOf(
  snap: SpaceSnapshot,
): Map<UserId, { handle: string; role: SpaceSnapshot['stage'][number]['role'] }> {
  return new Map(snap.stage.map((m) => [m.userId, { handle: m.handle, role: m.role }]));
}
