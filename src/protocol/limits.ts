/** Every limit the protocol enforces, in one place. Units are in the names or comments. */
export const LIMITS = {
  /** co-hosts per Space */
  maxCohosts: 2,
  /** speakers per Space, not counting host and co-hosts */
  maxSpeakers: 10,
  /** everyone on stage: host + co-hosts + speakers */
  maxOnStage: 13,
  /** how far ahead a Space may be scheduled, ms (14 days) */
  maxScheduleAheadMs: 14 * 24 * 60 * 60 * 1000,
  /** Spaces one account may have backstage or live at once (each holds a mixer and streams) */
  maxOpenSpacesPerAccount: 3,
  /** Spaces one account may have scheduled at once */
  maxScheduledSpacesPerAccount: 20,
  /** Space title length, characters */
  maxTitleLength: 120,
  /** Space description length, characters */
  maxDescriptionLength: 1000,
  /** handle: 3..32 chars of [a-z0-9_] */
  handlePattern: /^[a-z0-9_]{3,32}$/,
  minPasswordLength: 8,
  maxPasswordLength: 200,
  /** HTTP JSON body, bytes */
  maxJsonBodyBytes: 16 * 1024,
  /** WHIP SDP offer, bytes */
  maxSdpBytes: 64 * 1024,
  /** one WebSocket message from a client, bytes */
  maxWsMessageBytes: 4 * 1024,
  /** messages a client may send on one WebSocket per second (token bucket refill) */
  wsMessagesPerSecond: 20,
  /** burst allowance of the same bucket */
  wsMessageBurst: 40,
  /** a webhook endpoint URL a host sets for their Space, characters */
  maxWebhookUrlLength: 2048,
  /** restreams (RTMP out, one ffmpeg process each) running on one node */
  maxRestreamsPerNode: 4,
  /** a restream's rtmp:// or rtmps:// URL, characters */
  maxRestreamUrlLength: 1024,
  /** most entries in one page of GET /v1/spaces/:id/listeners */
  maxListenerPage: 50,
  /** most listeners one search request looks at; `next` continues the search from there */
  maxListenerScan: 1000,
  /** the emoji a listener may react with */
  reactions: ['👏', '❤️', '😂', '🔥', '💯', '🙌', '😮', '👎'] as const,
} as const;

export type ReactionEmoji = (typeof LIMITS.reactions)[number];
export const isReaction = (value: unknown): value is ReactionEmoji =>
  typeof value === 'string' && (LIMITS.reactions as readonly string[]).includes(value);
