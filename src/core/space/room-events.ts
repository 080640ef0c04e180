import type { SpaceId, UserId } from '../../protocol/ids.js';
import type { Role, SpaceCounts, SpaceSnapshot, SpaceState, SpeakRequest } from '../../protocol/space.js';
import type { Logger } from '../log.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { ReactionBatch } from './reaction-window.js';
import { QUESTION_LIMITS, type QuestionBoard } from '../../protocol/questions.js';

/** a message for one person (the transport finds their connection) */
export type RoomNotice =
  { type: 'invited' } | { type: 'role'; role: Role } | { type: 'hand'; raised: boolean };

/** What a Room tells its transports. All are emitted with `safeEmit`. */
export type RoomEvents = {
  /** one per lifecycle transition */
  state: [from: SpaceState, to: SpaceState];
  /** stage, leader or Space changed (one per command that changed them) */
  snapshot: [SpaceSnapshot];
  /** the raised hands changed; for host and co-hosts only */
  requests: [SpeakRequest[]];
  /** at most once per counts window, only on change */
  counts: [SpaceCounts];
  /** at most once per reaction window, never empty */
  reactions: [ReactionBatch];
  /** the questions board, at most once per questionsBulletinMs, only on change */
  questions: [QuestionBoard];
  notify: [userId: UserId, notice: RoomNotice];
  /** close this person's connections to the Space */
  kicked: [userId: UserId, reason: 'removed' | 'banned'];
  /** who the mixer should include (on stage, not muted); emitted on change */
  mix: [unmutedOnStage: UserId[]];
  /** recording was switched on or off (after it was persisted and the snapshot went out) */
  recording: [on: boolean];
  /** the host switched live captions */
  captions: [on: boolean];
  /** the Space ended; the Room refuses every command afterwards */
  ended: [reason: string];
};

/** what a Room needs from its surroundings (Room.load) */
export interface RoomDeps {
  spaceId: SpaceId;
  store: Store;
  clock: Clock;
  log?: Logger;
  config?: Partial<RoomConfig>;
}

/** tunables, all in ms except the request cap */
export interface RoomConfig {
  /** how long the host's stage connection may be gone before a co-host leads */
  hostGraceMs: number;
  /** how long a live Space may go with nobody on stage connected before it ends itself; 0 = never */
  unattendedEndMs: number;
  /** reaction aggregation window */
  reactionWindowMs: number;
  /** minimum interval between two `counts` events */
  countsWindowMs: number;
  /** raised hands kept at once; more are refused with too_many_requests */
  maxPendingRequests: number;
  /** shortest interval between two `questions` events */
  questionsBulletinMs: number;
}

export const DEFAULT_ROOM_CONFIG: RoomConfig = {
  hostGraceMs: 30_000,
  unattendedEndMs: 300_000,
  reactionWindowMs: 500,
  countsWindowMs: 1_000,
  maxPendingRequests: 100,
  questionsBulletinMs: QUESTION_LIMITS.bulletinMs,
};
