/**
 * HTTP API shapes (JSON unless noted). All routes are under /v1; errors use ErrorBody.
 * Auth: `Authorization: Bearer <jwt>` (or `?token=` on WebSocket and media URLs).
 *
 *   POST   /v1/accounts                 CreateAccountRequest  -> AuthResponse (201)
 *   POST   /v1/sessions                 SignInRequest         -> AuthResponse
 *   GET    /v1/me                                             -> { user: PublicUser }
 *   GET    /v1/users/:handle                                  -> { user: PublicUser } (user_not_found)
 *   GET    /v1/spaces?state=live|scheduled|ended              -> { spaces: SpaceInfo[] }
 *   POST   /v1/spaces                   CreateSpaceRequest    -> { space: SpaceInfo } (201)
 *   GET    /v1/spaces/:id                                     -> SpaceSnapshot
 *   PATCH  /v1/spaces/:id               EditSpaceRequest      -> { space } (host; scheduled only)
 *   GET    /v1/spaces/:id/access                              -> SpaceAccess (may I join?)
 *   GET    /v1/spaces/:id/listeners?q=&cursor=&limit=         -> ListenerPage (host, co-hosts)
 *   POST   /v1/spaces/:id/open          (host: scheduled -> backstage) -> { space }
 *   POST   /v1/spaces/:id/actions       StageClientMessage    -> { ok: true }  (same rules as the stage socket)
 *   POST   /v1/spaces/:id/questions     { text }              -> { ok: true } (201)  docs/questions.md
 *   POST   /v1/spaces/:id/questions/:qid/vote                 -> { ok: true }
 *   GET    /v1/spaces/:id/questions                           -> QuestionListResponse
 *   PUT    /v1/spaces/:id/reminder                            -> { reminderCount }
 *   DELETE /v1/spaces/:id/reminder                            -> { reminderCount }
 *   POST   /v1/spaces/:id/whip          application/sdp offer -> 201 application/sdp answer, Location
 *   DELETE /v1/spaces/:id/whip/:session                       -> 204
 *   GET    /v1/spaces/:id/listen        WebSocket upgrade (audience tier)
 *   GET    /v1/spaces/:id/stage         WebSocket upgrade (people on stage)
 *   GET    /healthz                                           -> { ok: true, ... }
 *   GET    /metrics                                           -> Prometheus text
 */
import type { SpaceInfo } from './space.js';
import type { UserId } from './ids.js';

export interface CreateAccountRequest {
  handle: string;
  password: string;
}
export type SignInRequest = CreateAccountRequest;

export interface PublicUser {
  id: UserId;
  handle: string;
}

export interface AuthResponse {
  user: PublicUser;
  token: string;
  /** ms since epoch */
  expiresAt: number;
}

export interface CreateSpaceRequest {
  title: string;
  description?: string;
  /** ms since epoch; omitted = open backstage now */
  scheduledFor?: number;
  /** default true */
  allowAnonymous?: boolean;
  /** default true */
  recording?: boolean;
}

/** PATCH /v1/spaces/:id: what a host may change while the Space is scheduled */
export interface EditSpaceRequest {
  title?: string;
  description?: string;
  /** ms since epoch, in the future and at most LIMITS.maxScheduleAheadMs ahead */
  scheduledFor?: number;
}

/** GET /v1/spaces/:id/access: would the caller be let in (listen, or the stage)? */
export type SpaceAccess = { allowed: true } | { allowed: false; code: 'banned' | 'anonymous_not_allowed' };

/** GET /v1/spaces/:id/listeners: one page of the signed-in people listening now */
export interface ListenerPage {
  listeners: { userId: UserId; handle: string }[];
  /** `cursor` for the next page; null when the list (or the search) is done */
  next: number | null;
  /** signed-in people listening now (the whole list, not this page) */
  named: number;
  /** anonymous listening connections now (not listed: they have no name) */
  anonymous: number;
}

export interface SpaceListResponse {
  spaces: SpaceInfo[];
}

/** Grants a token can carry (JWT claim `grants`). */
export const Grant = {
  /** may listen */
  listen: 'listen',
  /** may speak when given a stage role and create Spaces */
  speak: 'speak',
  /** operator: may moderate any Space */
  admin: 'admin',
} as const;
export type Grant = (typeof Grant)[keyof typeof Grant];
