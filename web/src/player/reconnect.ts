/**
 * When and how soon the player reconnects. Full details in docs/audience.md.
 *
 * Delay: exponential from 500 ms, doubling per failed attempt, capped at 15 s, with "equal
 * jitter" (half fixed, half random) so a node's listeners do not come back in one wave.
 */
import { ERRORS } from '../../../src/protocol/errors.js';

export const RECONNECT = {
  /** first retry delay before jitter, ms */
  baseMs: 500,
  /** longest retry delay before jitter, ms */
  maxMs: 15_000,
} as const;

/** ms to wait before attempt number `attempt` (0 = first retry). */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(RECONNECT.maxMs, RECONNECT.baseMs * 2 ** Math.min(attempt, 30));
  return exp / 2 + random() * (exp / 2);
}

/** Standard close codes after which trying again makes sense (going away, abnormal, restart). */
const RETRY_STANDARD = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);
/** HTTP-ish statuses whose WebSocket code means "come back later", not "go away" */
const RETRY_HTTP = new Set([408, 429, 500, 502, 503, 504]);

/**
 * True if a socket closed with `code` should be reopened. 1000 (the server closed normally)
 * and catalog codes for refusals (unauthenticated, banned, space_ended, ...) stop the player;
 * too_slow, too_many_requests, server_busy and internal retry.
 */
export function shouldReconnect(code: number): boolean {
  if (RETRY_STANDARD.has(code)) return true;
  if (code < 4000 || code > 4999) return false;
  return Object.values(ERRORS).some((e) => e.ws === code && RETRY_HTTP.has(e.http));
}
