/**
 * Webhook events as integrators receive them (docs/webhooks.md). Each is POSTed as JSON,
 * signed per the Standard Webhooks spec (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature` headers), in the spec's envelope: `{ type, timestamp, data }`.
 *
 * Every event is about a Space or its stage, never about one listener: a listener joining or
 * leaving raises no webhook (the counts are in GET /v1/spaces/:id).
 */
import type { SpaceId, UserId } from './ids.js';
import type { Role, SpaceState } from './space.js';

export const WebhookEventType = {
  spaceScheduled: 'space.scheduled',
  /** the Space is open backstage (created without a schedule, or a scheduled one was opened) */
  spaceOpened: 'space.opened',
  spaceLive: 'space.live',
  spaceEnded: 'space.ended',
  /** the replay of an ended Space can be played */
  recordingReady: 'recording.ready',
  /** a scheduled Space that people asked to be reminded of went live */
  reminderFired: 'reminder.fired',
  stageJoined: 'stage.joined',
  stageLeft: 'stage.left',
  /** someone was banned from a Space (by its hosts or by an operator) */
  userBanned: 'user.banned',
  userUnbanned: 'user.unbanned',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];

/** The Space as webhook events describe it. */
export interface WebhookSpace {
  id: SpaceId;
  title: string;
  state: SpaceState;
  hostId: UserId;
  /** ms since epoch */
  scheduledFor: number | null;
  startedAt: number | null;
  endedAt: number | null;
  /** the Space's page in the web app */
  url: string;
}

export interface WebhookDataMap {
  'space.scheduled': { space: WebhookSpace };
  'space.opened': { space: WebhookSpace };
  'space.live': { space: WebhookSpace };
  'space.ended': { space: WebhookSpace };
  'recording.ready': {
    space: WebhookSpace;
    /** VOD playlist (HLS) of the replay */
    replayUrl: string;
    /** the whole replay as one Ogg/Opus file */
    downloadUrl: string;
  };
  'reminder.fired': { space: WebhookSpace; reminderCount: number };
  'stage.joined': { spaceId: SpaceId; userId: UserId; handle: string; role: Role };
  'stage.left': { spaceId: SpaceId; userId: UserId; handle: string };
  'user.banned': { spaceId: SpaceId | null; userId: UserId; by: 'host' | 'operator' };
  'user.unbanned': { spaceId: SpaceId | null; userId: UserId; by: 'operator' };
}

/** The body of one webhook request. */
export interface WebhookPayload<T extends WebhookEventType = WebhookEventType> {
  type: T;
  /** ISO 8601, when the event happened */
  timestamp: string;
  data: WebhookDataMap[T];
}
