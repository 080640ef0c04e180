/**
 * Row <-> record mapping of the webhook outbox tables (migration 2, webhook_outbox), shared by
 * store-sqlite and store-postgres. BIGINT and INTEGER columns arrive as numbers in both.
 */
import type { SpaceId, UserId } from '../../protocol/ids.js';
import type {
  AttemptResult,
  DeliveryState,
  SpaceEndpoint,
  WebhookDelivery,
} from '../../core/ports/webhook-outbox.js';

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  space_id: string | null;
  url: string;
  secret: string;
  payload: string;
  created_at: number;
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

export interface EndpointRow {
  space_id: string;
  url: string;
  secret: string;
  set_by: string;
  at: number;
}

export const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  eventId: r.event_id,
  type: r.event_type,
  spaceId: r.space_id as SpaceId | null,
  url: r.url,
  secret: r.secret,
  payload: r.payload,
  createdAt: r.created_at,
  state: r.state as DeliveryState,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
});

export const toEndpoint = (r: EndpointRow): SpaceEndpoint => ({
  spaceId: r.space_id as SpaceId,
  url: r.url,
  secret: r.secret,
  setBy: r.set_by as UserId,
  at: r.at,
});

/** longest last_error kept, characters */
export const MAX_ERROR_CHARS = 500;

/** The column values `complete` writes for an attempt's result, in this order. */
export function completionValues(r: AttemptResult): {
  state: DeliveryState;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  error: string | null;
} {
  return {
    state: r.outcome === 'delivered' ? 'delivered' : r.outcome === 'failed' ? 'failed' : 'pending',
    nextAttemptAt: r.outcome === 'retry' ? r.nextAttemptAt : null,
    deliveredAt: r.outcome === 'delivered' ? r.at : null,
    error: r.error === null ? null : r.error.slice(0, MAX_ERROR_CHARS),
  };
}

/** the newest-first order of the delivery log; id breaks ties bytewise */
export const LOG_ORDER = (collate = '') => `created_at DESC, id${collate} DESC`;
/** the order claims take due deliveries in */
export const DUE_ORDER = (collate = '') => `next_attempt_at ASC, id${collate} ASC`;
