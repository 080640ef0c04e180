/**
 * The error catalog: every refusal the server can give, with a stable code, the HTTP status
 * it maps to and the WebSocket close code used when the refusal ends a socket.
 * Codes never change meaning; docs/errors.md lists them for users.
 */
export const ERRORS = {
  bad_request: { http: 400, ws: 4400, message: 'the request is malformed' },
  invalid_field: { http: 400, ws: 4400, message: 'a field is missing or has an invalid value' },
  payload_too_large: { http: 413, ws: 4413, message: 'the message is larger than the limit' },
  unsupported_media_type: { http: 415, ws: 4400, message: 'the content type is not accepted here' },
  unauthenticated: { http: 401, ws: 4401, message: 'a valid token is required' },
  token_expired: { http: 401, ws: 4401, message: 'the token has expired' },
  bad_credentials: { http: 401, ws: 4401, message: 'handle or password is wrong' },
  media_token_expired: { http: 401, ws: 4401, message: 'the media URL has expired; ask for a new one' },
  media_token_invalid: { http: 403, ws: 4403, message: 'the media URL is not valid for this Space' },
  forbidden: { http: 403, ws: 4403, message: 'your role does not allow this' },
  banned: { http: 403, ws: 4403, message: 'you are banned from this Space' },
  anonymous_not_allowed: { http: 403, ws: 4403, message: 'this Space requires sign-in to listen' },
  not_found: { http: 404, ws: 4404, message: 'no such resource' },
  space_not_found: { http: 404, ws: 4404, message: 'no such Space' },
  user_not_found: { http: 404, ws: 4404, message: 'no such user' },
  session_not_found: { http: 404, ws: 4404, message: 'no such media session' },
  recording_not_found: {
    http: 404,
    ws: 4404,
    message: 'this Space has no replay (not recorded, or still being recorded)',
  },
  clip_out_of_range: { http: 400, ws: 4400, message: 'the clip is not inside the recording' },
  range_not_satisfiable: { http: 416, ws: 4400, message: 'the requested byte range is not in the file' },
  method_not_allowed: { http: 405, ws: 4405, message: 'method not allowed' },
  handle_taken: { http: 409, ws: 4409, message: 'that handle is taken' },
  webhooks_disabled: {
    http: 409,
    ws: 4409,
    message: 'this deployment does not let hosts set webhooks for their Spaces',
  },
  invalid_transition: {
    http: 409,
    ws: 4409,
    message: 'the Space cannot move to that state from its current one',
  },
  space_ended: { http: 409, ws: 4410, message: 'the Space has ended' },
  space_not_scheduled: { http: 409, ws: 4409, message: 'the Space is not scheduled' },
  space_not_live: { http: 409, ws: 4409, message: 'the Space is not live' },
  too_many_spaces: {
    http: 409,
    ws: 4409,
    message: 'you already have the most open or scheduled Spaces allowed; end one first',
  },
  stage_full: { http: 409, ws: 4409, message: 'the stage is full' },
  cohosts_full: { http: 409, ws: 4409, message: 'the Space already has the maximum number of co-hosts' },
  not_on_stage: { http: 409, ws: 4409, message: 'that person is not on stage' },
  already_on_stage: { http: 409, ws: 4409, message: 'that person is already on stage' },
  not_in_space: { http: 409, ws: 4409, message: 'that person is not in the Space' },
  no_request: { http: 409, ws: 4409, message: 'that person has not asked to speak' },
  no_invite: { http: 409, ws: 4409, message: 'you have not been invited to speak' },
  cannot_target_self: { http: 409, ws: 4409, message: 'you cannot do that to yourself' },
  cannot_target_host: { http: 409, ws: 4409, message: 'the host cannot be the target of that action' },
  questions_off: { http: 409, ws: 4409, message: 'questions are switched off in this Space' },
  question_not_found: { http: 404, ws: 4404, message: 'no such question in this Space' },
  questions_banned: { http: 403, ws: 4403, message: 'you may no longer post questions in this Space' },
  questions_full: { http: 409, ws: 4409, message: 'this Space holds the maximum number of questions' },
  slow_mode: { http: 429, ws: 4429, message: 'slow mode is on: wait before posting again' },
  too_many_requests: { http: 429, ws: 4429, message: 'slow down: rate limit reached' },
  too_many_connections: {
    http: 429,
    ws: 4429,
    message: 'too many connections from your address are open; close some and retry',
  },
  too_slow: { http: 408, ws: 4408, message: 'the connection could not keep up with the live stream' },
  server_busy: { http: 503, ws: 4503, message: 'the server is at capacity; retry later' },
  restream_limit: {
    http: 503,
    ws: 4503,
    message: 'this node already runs as many restreams as it may; stop one or retry later',
  },
  stage_unavailable: {
    http: 503,
    ws: 4503,
    message: "the speakers' media service of this node is not running; retry shortly",
  },
  internal: { http: 500, ws: 4500, message: 'internal error' },
} as const satisfies Record<string, { http: number; ws: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && value in ERRORS;

/** The body of every error response, HTTP or WebSocket. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
