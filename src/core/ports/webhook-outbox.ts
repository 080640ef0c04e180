/**
 * Webhook outbox port: the durable queue of outgoing webhook deliveries and the per-Space
 * endpoints hosts set. Served by the store adapters (store-sqlite, store-postgres) from the
 * same database as the rest of the store, as `store.webhooks`. Every adapter passes the suite
 * in ./webhook-outbox.conformance.ts.
 *
 * Lifecycle of one delivery (one message to one endpoint URL):
 *
 *   enqueue ──▶ pending ──claim (lease)──▶ attempt ──complete──▶ delivered
 *                  ▲                          │                    failed (out of attempts)
 *                  └──── retry (backoff) ◀────┤
 *                  └──── lease runs out ◀─────┘ (the node died mid-attempt: another node
 *                                                claims it once the lease has expired)
 *
 * At-least-once: a delivery leaves `pending` only through `complete` by the lease holder, so a
 * crash at any point leaves it to be claimed again; a receiver tells a repeat by `webhook-id`.
 */
import { createHash } from 'node:crypto';
import type { SpaceId, UserId } from '../../protocol/ids.js';

export const DeliveryState = {
  pending: 'pending',
  delivered: 'delivered',
  failed: 'failed',
} as const;
export type DeliveryState = (typeof DeliveryState)[keyof typeof DeliveryState];

/** One event, as it is signed and sent to every endpoint. */
export interface WebhookMessage {
  /**
   * the Standard Webhooks message id (`webhook-id`), the same on every retry. Derived from the
   * event (not random), so an event raised twice (a failover replays it) is stored once.
   */
  eventId: string;
  /** event type, e.g. `space.live` */
  type: string;
  spaceId: SpaceId | null;
  /** the JSON body exactly as it is signed and sent */
  payload: string;
  /** ms since epoch */
  createdAt: number;
}

/** Where a message goes: an endpoint URL and its `whsec_…` signing secret. */
export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface WebhookDelivery extends WebhookMessage, WebhookTarget {
  /** deliveryId(eventId, url) */
  id: string;
  state: DeliveryState;
  /** attempts begun (counted when claimed, so a delivery that crashes its node runs out too) */
  attempts: number;
  /** ms since epoch; a pending delivery is due from then */
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  /** HTTP status of the last attempt; null = no response (refused, timed out) */
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface ClaimQuery {
  /** who takes the lease (a node id plus a per-process nonce) */
  owner: string;
  /** ms since epoch */
  now: number;
  /** ms the lease holds: a delivery is claimable again this long after a claim that never completed */
  leaseMs: number;
  limit: number;
}

export type AttemptOutcome =
  | { outcome: 'delivered' }
  /** try again from `nextAttemptAt` (ms since epoch) */
  | { outcome: 'retry'; nextAttemptAt: number }
  /** give up: the delivery ends `failed` */
  | { outcome: 'failed' };

export type AttemptResult = AttemptOutcome & {
  /** ms since epoch */
  at: number;
  status: number | null;
  error: string | null;
};

export interface DeliveryQuery {
  state?: DeliveryState;
  spaceId?: SpaceId;
  /** default 50, at most MAX_DELIVERY_LIST */
  limit?: number;
}

/** A Space's own endpoint, set by its host (besides the deployment's endpoints). */
export interface SpaceEndpoint extends WebhookTarget {
  spaceId: SpaceId;
  setBy: UserId;
  /** ms since epoch */
  at: number;
}

export const MAX_DELIVERY_LIST = 500;
export const DEFAULT_DELIVERY_LIST = 50;

export interface WebhookOutbox {
  /**
   * Stores one pending delivery per target, due at once. A (message, URL) pair already stored is
   * left as it is (idempotent). Returns how many deliveries were new.
   */
  enqueue(message: WebhookMessage, targets: readonly WebhookTarget[]): Promise<number>;
  /**
   * Leases up to `limit` due deliveries (pending, nextAttemptAt <= now, no lease or an expired
   * one) to `owner` until now + leaseMs, counting an attempt on each; oldest due first. While a
   * lease holds no other claim returns that delivery.
   */
  claim(query: ClaimQuery): Promise<WebhookDelivery[]>;
  /**
   * Records the result of an attempt and frees the lease, if `owner` still holds it; returns
   * false and changes nothing otherwise (the lease ran out and someone else took it).
   */
  complete(id: string, owner: string, result: AttemptResult): Promise<boolean>;
  get(id: string): Promise<WebhookDelivery | null>;
  /** the delivery log, newest first */
  list(query: DeliveryQuery): Promise<WebhookDelivery[]>;
  /** a failed delivery is pending again, due at `now`; false if it is not failed */
  retry(id: string, now: number): Promise<boolean>;
  /** deletes delivered and failed deliveries created before `before` (ms); returns how many */
  prune(before: number): Promise<number>;

  /** sets or replaces the Space's endpoint */
  setSpaceEndpoint(endpoint: SpaceEndpoint): Promise<void>;
  getSpaceEndpoint(spaceId: SpaceId): Promise<SpaceEndpoint | null>;
  /** true if there was one */
  deleteSpaceEndpoint(spaceId: SpaceId): Promise<boolean>;
}

/** The id of the delivery of one message to one URL: stable, so enqueue can be idempotent. */
export function deliveryId(eventId: string, url: string): string {
  return `${eventId}.${createHash('sha256').update(url).digest('base64url').slice(0, 16)}`;
}

export const clampDeliveryLimit = (limit: number | undefined): number =>
  Math.min(MAX_DELIVERY_LIST, Math.max(1, Math.floor(limit ?? DEFAULT_DELIVERY_LIST)));
