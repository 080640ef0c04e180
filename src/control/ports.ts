/**
 * What the control plane needs from the rest of the system, as interfaces. The composition
 * root (src/app) provides the implementations; control never imports an adapter or a plane.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Grant, PublicUser } from '../protocol/api.js';
import type { SpaceId, UserId } from '../protocol/ids.js';
import type { SpaceInfo } from '../protocol/space.js';
import type { RestreamStatus, RestreamVideo } from '../protocol/restream.js';
import type { Room, Actor } from '../core/space/room.js';
import type { Store } from '../core/ports/store.js';
import type { Logger } from '../core/log.js';
import type { RecordedTimeline } from '../protocol/recording.js';
import type { Admission } from './admission.js';
import type { AddressCaps } from './net/address-caps.js';
import type { TrustedProxies } from './net/client-address.js';

/** Who is calling, from a verified token. Anonymous listeners have no token and no userId. */
export interface Principal {
  userId: UserId;
  handle: string;
  grants: readonly Grant[];
  anonymous: boolean;
}

export interface TokenVerifier {
  /** throws RostraError('unauthenticated' | 'token_expired') */
  verify(token: string): Promise<Principal>;
  mint(user: PublicUser, grants?: readonly Grant[]): Promise<{ token: string; expiresAt: number }>;
}

export interface AccountService {
  signUp(handle: string, password: string): Promise<PublicUser>;
  signIn(handle: string, password: string): Promise<PublicUser>;
}

/** Detaches a socket from its Space; idempotent. */
export type Detach = () => void;

/**
 * What control uses of a Space's room actor. The local Room fits; on a cluster node that is not
 * the Space's home, the same calls are answered through the home (src/cluster/remote-room.ts).
 */
export type RoomHandle = Pick<
  Room,
  | 'id'
  | 'state'
  | 'admit'
  | 'handleStage'
  | 'handleAudience'
  | 'openBackstage'
  | 'snapshot'
  | 'roleOf'
  | 'listeners'
>;

/** The per-Space runtime: room actor plus the media planes behind it. */
export interface SpaceHub {
  /** the room actor of a Space on this node, loaded on demand; throws space_not_found */
  room(spaceId: SpaceId): Promise<RoomHandle>;
  /** WHIP: start a speaker's media session (caller must be on stage) */
  publish(
    room: RoomHandle,
    actor: Actor,
    offerSdp: string,
  ): Promise<{ sessionId: string; answerSdp: string }>;
  /** WHIP DELETE; throws session_not_found if the session is not the actor's */
  unpublish(room: RoomHandle, actor: Actor, sessionId: string): Promise<void>;
  /** an admitted listener socket joins the audience tier of the Space */
  attachListener(room: RoomHandle, socket: WebSocket, actor: Actor, tcp: Socket | null): Detach;
  /** an admitted stage socket receives the room's stage events */
  attachStage(room: RoomHandle, socket: WebSocket, actor: Actor): Detach;
  /** counts for /healthz */
  stats(): HubStats;
}

export interface HubStats {
  rooms: number;
  listeners: number;
  stageSockets: number;
  /** cluster mode only: who this node is and who homes its Spaces */
  cluster?: ClusterStatus;
}

export interface ClusterStatus {
  nodeId: string;
  draining: boolean;
  /** Spaces this node homes */
  homes: number;
  /** Space id -> the node id homing it as this node knows it (null: none right now); at most
   * CLUSTER_STATUS_SPACES entries, the ones this node homes first */
  spaces: Record<string, string | null>;
  /** Spaces this node has, listed or not */
  spacesTotal: number;
}

/** most Spaces /healthz lists by name (a node may have thousands) */
export const CLUSTER_STATUS_SPACES = 100;

export interface ControlDeps {
  store: Store;
  tokens: TokenVerifier;
  accounts: AccountService;
  hub: SpaceHub;
  log: Logger;
  /** where the built web app lives (index.html, app.js, …); null = do not serve it */
  webRoot: string | null;
  /** Prometheus text for /metrics */
  metrics: () => Promise<string>;
  /** ms since epoch */
  now: () => number;
  limits: ControlLimits;
  /** the HTTP audience tiers (LL-HLS, Ogg/Opus); absent = their routes are not served */
  media?: MediaTiers;
  /** replays of recorded Spaces (src/runtime/tiers/recorder.ts); absent = no replay routes */
  recordings?: RecordingsPort;
  /** listener cap, paced joins, waiting room, per-person limits (./admission.ts); absent = none */
  admission?: Admission;
  /** who the client is and how many connections it holds (docs/security.md) */
  net: ClientNet;
  /** webhook events raised by the HTTP API (src/integrations/webhooks); absent = none */
  webhooks?: WebhookPort;
  /** RTMP restreams of this node (src/audience/restream); absent = the restream routes answer 404 */
  restreams?: RestreamPort;
}

/** Client addresses behind trusted proxies, and the per-address connection caps. */
export interface ClientNet {
  readonly trusted: TrustedProxies;
  /** the client of a request: its TCP peer, or the X-Forwarded-For hop a trusted proxy named */
  addressOf(req: {
    socket: { remoteAddress?: string | undefined };
    headers: Record<string, string | string[] | undefined>;
  }): string;
  /** per-address cap on long-lived listeners (WebSocket, Ogg) and held LL-HLS requests */
  readonly streams: AddressCaps;
  /** per-peer cap on TCP connections (trusted proxies exempt) */
  readonly tcp: AddressCaps;
  /** ms a client has to send a whole request */
  readonly requestTimeoutMs: number;
}

/** Which URLs a host may set as their Space's own webhook endpoint. */
export type SpaceWebhookPolicy = 'off' | 'https' | 'any';

/** What the HTTP API raises as webhook events (the room raises the rest on the home node). */
export interface WebhookPort {
  readonly spaceUrls: SpaceWebhookPolicy;
  /** a Space was created: raises space.scheduled or space.opened */
  spaceCreated(space: SpaceInfo): void;
  /** an operator banned or unbanned someone (spaceId null = from every Space) */
  operatorBan(userId: UserId, spaceId: SpaceId | null, banned: boolean): void;
}

/** What the restream routes use (src/audience/restream/manager.ts fits). */
export interface RestreamPort {
  start(spaceId: SpaceId, url: string, video: RestreamVideo): Promise<RestreamStatus>;
  /** false if none was running */
  stop(spaceId: SpaceId): Promise<boolean>;
  status(spaceId: SpaceId): RestreamStatus | null;
}

export interface ControlLimits {
  /** HTTP API requests per second per client address (token bucket refill) */
  apiPerSecond: number;
  /** burst of the same bucket */
  apiBurst: number;
  /** sign-in / sign-up attempts per minute per address */
  authPerMinute: number;
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = { apiPerSecond: 20, apiBurst: 60, authPerMinute: 20 };

/** What the media routes need from the LL-HLS and Ogg tiers (src/runtime/tiers/hls-ogg.ts). */
export interface MediaTiers {
  /** signs and verifies media URLs (see ./media-tokens.ts) */
  readonly tokens: {
    issue(spaceId: SpaceId): { token: string; expiresAt: number };
    verify(spaceId: SpaceId, token: string | undefined | null): void;
  };
  /** answers an authorised request below the Space's HLS root; null = no stream on this node */
  hls(
    spaceId: SpaceId,
    file: string,
    query: URLSearchParams,
  ): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array | string } | null>;
  /** the Space's Ogg/Opus stream on this node, or null; attach() writes header pages first */
  ogg(spaceId: SpaceId): { headers: Record<string, string>; attach(res: MediaSink): Detach } | null;
}

/** A live HTTP response as the Ogg fan-out sees it (node's ServerResponse fits). */
export interface MediaSink {
  write(chunk: Uint8Array): boolean;
  end(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** One recording as the routes see it (src/recording/replay.ts implements it). */
export interface ReplayView {
  /** changes whenever the recording changes; part of every media URL */
  readonly version: string;
  readonly durationMs: number;
  /** the VOD playlist; `query` is appended to its URIs (e.g. `?token=…`) */
  playlist(query?: string): string;
  /** `init.mp4` or `seg-<n>.m4s`, undefined if there is no such file */
  file(name: string): Uint8Array | undefined;
  download(): Uint8Array;
  /** throws clip_out_of_range */
  clip(startMs: number, durationMs: number): Uint8Array;
  timeline(): RecordedTimeline;
  /** user ids with a line in the transcript */
  transcriptSpeakers(): string[];
  /** the live captions recorded with it, on its timeline: WebVTT or `[mm:ss] @handle: text` lines */
  transcriptFile(format: 'vtt' | 'text', handleOf: (userId: string) => string): string;
}

export interface RecordingsPort {
  /**
   * throws recording_not_found when the Space has no replay on this node; `liveFrom` (ms since
   * epoch, the Space's startedAt) leaves out what was mixed backstage before it went live
   */
  open(spaceId: SpaceId, liveFrom: number | null): Promise<ReplayView>;
}
