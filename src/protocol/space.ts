import type { SpaceId, UserId } from './ids.js';
import type { QuestionBoard } from './questions.js';

/** A Space moves forward only: scheduled -> backstage -> live -> ended (see docs/lifecycles.md). */
export const SpaceState = {
  scheduled: 'scheduled',
  backstage: 'backstage',
  live: 'live',
  ended: 'ended',
} as const;
export type SpaceState = (typeof SpaceState)[keyof typeof SpaceState];

export const Role = {
  host: 'host',
  cohost: 'cohost',
  speaker: 'speaker',
  listener: 'listener',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ON_STAGE_ROLES: readonly Role[] = [Role.host, Role.cohost, Role.speaker];

/** Durable description of a Space, as the API returns it. */
export interface SpaceInfo {
  id: SpaceId;
  title: string;
  description: string;
  state: SpaceState;
  /** account that created the Space; NOT necessarily the current host */
  createdBy: UserId;
  /** current host (changes on hand-over) */
  hostId: UserId;
  /** ms since epoch; set for scheduled Spaces */
  scheduledFor: number | null;
  startedAt: number | null;
  endedAt: number | null;
  allowAnonymous: boolean;
  recording: boolean;
  reminderCount: number;
  createdAt: number;
}

/** One person on stage. */
export interface StageMember {
  userId: UserId;
  handle: string;
  role: Role;
  /** muted by self or by a host/co-host; only the member can unmute */
  muted: boolean;
  /** has a live WebRTC publish session */
  connected: boolean;
}

/** Listener-visible counts, named honestly. */
export interface SpaceCounts {
  /** people with an open listening connection right now */
  listeningNow: number;
  /** distinct people (or anonymous connections) who ever joined */
  totalJoined: number;
}

/** What everyone in the room sees: durable info + live stage + counts. */
export interface SpaceSnapshot {
  space: SpaceInfo;
  stage: StageMember[];
  counts: SpaceCounts;
  /**
   * who leads the room right now: the host, or, once the host's stage connection has been
   * gone longer than the grace period, the first connected co-host (docs/lifecycles.md)
   */
  leaderId: UserId;
  /** the host's switch for live captions (on by default; captions need an engine on the node) */
  captions: boolean;
  /** the audience's questions as everyone sees them (docs/questions.md) */
  questions: QuestionBoard;
}

export interface SpeakRequest {
  userId: UserId;
  handle: string;
  /** ms since epoch */
  at: number;
}
