/**
 * The webhook outbox on SQLite, on the store's own connection. A claim is one IMMEDIATE
 * transaction (it takes the write lock first), so two processes on the same file cannot both
 * lease a delivery; with a single process the event loop already serialises the calls.
 */
import type Database from 'better-sqlite3';
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

export class SqliteWebhookOutbox implements WebhookOutbox {
  /**
   * @param sql   the store's prepared-statement cache
   * @param run   the store's guard: rejects once the store is closed, turns throws into rejections
   */
  constructor(
    private readonly db: Database.Database,
    private readonly sql: (text: string) => Database.Statement,
    private readonly run: <T>(fn: () => T) => Promise<T>,
  ) {}

  enqueue(m: WebhookMessage, targets: readonly WebhookTarget[]): Promise<number> {
    return this.run(() => {
      const insert = this.sql(
        `INSERT INTO webhook_deliveries (id, event_id, event_type, space_id, url, secret, payload,
           created_at, state, attempts, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`,
      );
      const all = this.db.transaction(() => {
        let added = 0;
        for (const t of targets) {
          const id = deliveryId(m.eventId, t.url);
          added += insert.run(
            id,
            m.eventId,
            m.type,
            m.spaceId,
            t.url,
            t.secret,
            m.payload,
            m.createdAt,
            m.createdAt,
          ).changes;
        }
        return added;
      });
      return all();
    });
  }

  claim(q: ClaimQuery): Promise<WebhookDelivery[]> {
    return this.run(() => {
      const pick = this.sql(
        `SELECT id FROM webhook_deliveries
         WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY ${DUE_ORDER()} LIMIT ?`,
      );
      const lease = this.sql(
        `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
         WHERE id = ? RETURNING *`,
      );
      const tx = this.db.transaction(() => {
        const ids = pick.all(q.now, q.now, Math.max(0, Math.floor(q.limit))) as { id: string }[];
        return ids.map(({ id }) => toDelivery(lease.get(q.owner, q.now + q.leaseMs, id) as DeliveryRow));
      });
      return tx.immediate();
    });
  }

  complete(id: string, owner: string, r: AttemptResult): Promise<boolean> {
    return this.run(() => {
      const v = completionValues(r);
      const res = this.sql(
        `UPDATE webhook_deliveries SET state = ?, next_attempt_at = COALESCE(?, next_attempt_at),
           delivered_at = ?, last_attempt_at = ?, last_status = ?, last_error = ?,
           lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
      ).run(v.state, v.nextAttemptAt, v.deliveredAt, r.at, r.status, v.error, id, owner);
      return res.changes > 0;
    });
  }

  get(id: string): Promise<WebhookDelivery | null> {
    return this.run(() => {
      const row = this.sql('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as
        DeliveryRow | undefined;
      return row ? toDelivery(row) : null;
    });
  }

  list(q: DeliveryQuery): Promise<WebhookDelivery[]> {
    return this.run(() => {
      const where: string[] = [];
      const values: unknown[] = [];
      if (q.state) {
        where.push('state = ?');
        values.push(q.state);
      }
      if (q.spaceId) {
        where.push('space_id = ?');
        values.push(q.spaceId);
      }
      const sql = `SELECT * FROM webhook_deliveries ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY ${LOG_ORDER()} LIMIT ?`;
      return (this.sql(sql).all(...values, clampDeliveryLimit(q.limit)) as DeliveryRow[]).map(toDelivery);
    });
  }

  retry(id: string, now: number): Promise<boolean> {
    return this.run(
      () =>
        this.sql(
          `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ? WHERE id = ? AND state = 'failed'`,
        ).run(now, id).changes > 0,
    );
  }

  prune(before: number): Promise<number> {
    return this.run(
      () =>
        this.sql(`DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < ?`).run(before)
          .changes,
    );
  }

  setSpaceEndpoint(e: SpaceEndpoint): Promise<void> {
    return this.run(() => {
      this.sql(
        `INSERT INTO space_webhooks (space_id, url, secret, set_by, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (space_id) DO UPDATE SET url = excluded.url, secret = excluded.secret,
           set_by = excluded.set_by, at = excluded.at`,
      ).run(e.spaceId, e.url, e.secret, e.setBy, e.at);
    });
  }

  getSpaceEndpoint(spaceId: SpaceId): Promise<SpaceEndpoint | null> {
    return this.run(() => {
      const row = this.sql('SELECT * FROM space_webhooks WHERE space_id = ?').get(spaceId) as
        EndpointRow | undefined;
      return row ? toEndpoint(row) : null;
    });
  }

  deleteSpaceEndpoint(spaceId: SpaceId): Promise<boolean> {
    return this.run(() => this.sql('DELETE FROM space_webhooks WHERE space_id = ?').run(spaceId).changes > 0);
  }
}
