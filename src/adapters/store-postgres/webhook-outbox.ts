/**
 * The webhook outbox on PostgreSQL, through the store's pool. Each method is one statement. A
 * claim is `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *`: nodes claiming
 * at once lock disjoint rows instead of waiting on each other, and never lease the same one.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { SpaceId } from '../../protocol/ids.js';
import {
  clampDeliveryLimit,
  deliveryId,
  type AttemptResult,
  type ClaimQuery,
  type DeliveryQuery,
  type SpaceEndpoint,
  type WebhookDelivery,
  type WebhookMessage,
  type WebhookOutbox,
  type WebhookTarget,
} from '../../core/ports/webhook-outbox.js';
import {
  DUE_ORDER,
  LOG_ORDER,
  completionValues,
  toDelivery,
  toEndpoint,
  type DeliveryRow,
  type EndpointRow,
} from '../store-sql/webhook-rows.js';

type Query = <R extends QueryResultRow>(sql: string, values?: unknown[]) => Promise<QueryResult<R>>;
const C = ' COLLATE "C"';

export class PostgresWebhookOutbox implements WebhookOutbox {
  /** @param query the store's guarded pool query (rejects once the store is closed) */
  constructor(private readonly query: Query) {}

  async enqueue(m: WebhookMessage, targets: readonly WebhookTarget[]): Promise<number> {
    if (targets.length === 0) return 0;
    const values: unknown[] = [m.eventId, m.type, m.spaceId, m.payload, m.createdAt];
    const rows = targets.map((t) => {
      values.push(deliveryId(m.eventId, t.url), t.url, t.secret);
      const n = values.length;
      return `($${n - 2}, $1, $2, $3, $${n - 1}, $${n}, $4, $5, 'pending', 0, $5)`;
    });
    const r = await this.query(
      `INSERT INTO webhook_deliveries (id, event_id, event_type, space_id, url, secret, payload,
         created_at, state, attempts, next_attempt_at)
       VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
      values,
    );
    return r.rowCount ?? 0;
  }

  async claim(q: ClaimQuery): Promise<WebhookDelivery[]> {
    const r = await this.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE state = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
         ORDER BY ${DUE_ORDER(C)} LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [q.owner, q.now + q.leaseMs, q.now, Math.max(0, Math.floor(q.limit))],
    );
    // RETURNING has no order of its own
    return r.rows
      .map(toDelivery)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async complete(id: string, owner: string, r: AttemptResult): Promise<boolean> {
    const v = completionValues(r);
    const res = await this.query(
      `UPDATE webhook_deliveries SET state = $1, next_attempt_at = COALESCE($2, next_attempt_at),
         delivered_at = $3, last_attempt_at = $4, last_status = $5, last_error = $6,
         lease_owner = NULL, lease_until = NULL
       WHERE id = $7 AND lease_owner = $8 AND state = 'pending'`,
      [v.state, v.nextAttemptAt, v.deliveredAt, r.at, r.status, v.error, id, owner],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<WebhookDelivery | null> {
    const r = await this.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
    return r.rows[0] ? toDelivery(r.rows[0]) : null;
  }

  async list(q: DeliveryQuery): Promise<WebhookDelivery[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (q.state) {
      values.push(q.state);
      where.push(`state = $${values.length}`);
    }
    if (q.spaceId) {
      values.push(q.spaceId);
      where.push(`space_id = $${values.length}`);
    }
    values.push(clampDeliveryLimit(q.limit));
    const r = await this.query<DeliveryRow>(
      `SELECT * FROM webhook_deliveries ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY ${LOG_ORDER(C)} LIMIT $${values.length}`,
      values,
    );
    return r.rows.map(toDelivery);
  }

  async retry(id: string, now: number): Promise<boolean> {
    const r = await this.query(
      `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $1 WHERE id = $2 AND state = 'failed'`,
      [now, id],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async prune(before: number): Promise<number> {
    const r = await this.query(
      `DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1`,
      [before],
    );
    return r.rowCount ?? 0;
  }

  async setSpaceEndpoint(e: SpaceEndpoint): Promise<void> {
    await this.query(
      `INSERT INTO space_webhooks (space_id, url, secret, set_by, at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (space_id) DO UPDATE SET url = excluded.url, secret = excluded.secret,
         set_by = excluded.set_by, at = excluded.at`,
      [e.spaceId, e.url, e.secret, e.setBy, e.at],
    );
  }

  async getSpaceEndpoint(spaceId: SpaceId): Promise<SpaceEndpoint | null> {
    const r = await this.query<EndpointRow>('SELECT * FROM space_webhooks WHERE space_id = $1', [spaceId]);
    return r.rows[0] ? toEndpoint(r.rows[0]) : null;
  }

  async deleteSpaceEndpoint(spaceId: SpaceId): Promise<boolean> {
    const r = await this.query('DELETE FROM space_webhooks WHERE space_id = $1', [spaceId]);
    return (r.rowCount ?? 0) > 0;
  }
}
