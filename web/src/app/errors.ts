/**
 * Readable messages for the server's stable error codes. The catalog's own message is the
 * fallback; these are phrased for the person looking at the screen.
 */
import { ERRORS, isErrorCode } from '../../../src/protocol/errors.js';
import type { ErrorCode } from '../../../src/protocol/errors.js';

const FRIENDLY: Partial<Record<ErrorCode, string>> = {
  unauthenticated: 'Please sign in first.',
  token_expired: 'Your session has expired. Please sign in again.',
  bad_credentials: 'That handle or password is wrong.',
  forbidden: 'Your role in this Space does not allow that.',
  banned: 'You are banned from this Space.',
  anonymous_not_allowed: 'This Space asks listeners to sign in.',
  space_not_found: 'This Space does not exist (or no longer exists).',
  user_not_found: 'No account has that handle.',
  handle_taken: 'That handle is taken. Try another one.',
  space_ended: 'This Space has ended.',
  space_not_live: 'The Space is not live yet.',
  stage_full: 'The stage is full.',
  cohosts_full: 'There are already two co-hosts.',
  not_on_stage: 'That person is not on stage.',
  already_on_stage: 'That person is already on stage.',
  not_in_space: 'That person is not listening to this Space right now.',
  space_not_scheduled: 'This Space is no longer scheduled: it has opened or ended.',
  range_not_satisfiable: 'That part of the recording does not exist.',
  clip_out_of_range: 'A clip must lie inside the recording.',
  no_request: 'That person has not asked to speak.',
  no_invite: 'The invitation is no longer valid.',
  cannot_target_self: 'You cannot do that to yourself.',
  cannot_target_host: 'You cannot do that to the host.',
  too_many_requests: 'Slow down a little and try again.',
  server_busy: 'The server is at capacity. Try again in a moment.',
  questions_off: 'Questions are switched off in this Space.',
  questions_banned: 'The hosts stopped you from posting questions here.',
  question_not_found: 'That question is no longer there.',
  slow_mode: 'Slow mode is on: wait a little before asking again.',
  payload_too_large: 'That is too long.',
};

/** An error carrying the server's stable code. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'network',
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function readableError(code: string, fallback?: string): string {
  if (code === 'network') return 'Cannot reach the server. Check your connection.';
  if (isErrorCode(code)) return FRIENDLY[code] ?? fallback ?? ERRORS[code].message;
  return fallback ?? 'Something went wrong.';
}

export function describe(err: unknown): string {
  if (err instanceof ApiError) return readableError(err.code, err.message);
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

/** A readable reason for a WebSocket close code from the catalog (4401, 4403, 4410...). */
export function closeReason(code: number): string {
  for (const [name, e] of Object.entries(ERRORS)) {
    if (e.ws === code) return readableError(name);
  }
  return `The connection was closed (${code}).`;
}
