/**
 * An in-memory webhook outbox for unit tests (MemoryStore.webhooks, dispatcher tests). Passes
 * the same conformance suite as the SQL adapters; not durable, one process only.
 */
import type { SpaceId } from '../../../protocol/ids.js';
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
} from '../../ports/webhook-outbox.js';

interface Row extends WebhookDelivery {
  leaseOwner: string | null;
  leaseUntil: number | null;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const view = ({ leaseOwner: _o, leaseUntil: _u, ...d }: Row): WebhookDelivery => ({ ...d });

export class MemoryWebhookOutbox implements WebhookOutbox {
  readonly #rows = new Map<string, Row>();
  readonly #endpoints = new Map<SpaceId, SpaceEndpoint>();

  enqueue(m: WebhookMessage, targets: readonly WebhookTarget[]): Promise<number> {
    let added = 0;
    for (const t of targets) {
      const id = deliveryId(m.eventId, t.url);
      if (this.#rows.has(id)) continue;
      this.#rows.set(id, {
        ...m,
        ...t,
        id,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: m.createdAt,
        lastAttemptAt: null,
        lastStatus: null,
        lastError: null,
        deliveredAt: null,
        leaseOwner: null,
        leaseUntil: null,
      });
      added++;
    }
    return Promise.resolve(added);
  }

  claim(q: ClaimQuery): Promise<WebhookDelivery[]> {
    const due = [...this.#rows.values()]
      .filter(
        (r) =>
          r.state === 'pending' &&
          r.nextAttemptAt <= q.now &&
          (r.leaseUntil === null || r.leaseUntil <= q.now),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || byId(a, b))
      .slice(0, Math.max(0, Math.floor(q.limit)));
    for (const r of due) {
      r.leaseOwner = q.owner;
      r.leaseUntil = q.now + q.leaseMs;
      r.attempts++;
    }
    return Promise.resolve(due.map(view));
  }

  complete(id: string, owner: string, result: AttemptResult): Promise<boolean> {
    const r = this.#rows.get(id);
    if (!r || r.leaseOwner !== owner || r.state !== 'pending') return Promise.resolve(false);
    r.state = result.outcome === 'retry' ? 'pending' : result.outcome;
    if (result.outcome === 'retry') r.nextAttemptAt = result.nextAttemptAt;
    r.deliveredAt = result.outcome === 'delivered' ? result.at : null;
    r.lastAttemptAt = result.at;
    r.lastStatus = result.status;
    r.lastError = result.error;
    r.leaseOwner = null;
    r.leaseUntil = null;
    return Promise.resolve(true);
  }

  get(id: string): Promise<WebhookDelivery | null> {
    const r = this.#rows.get(id);
    return Promise.resolve(r ? view(r) : null);
  }

  list(q: DeliveryQuery): Promise<WebhookDelivery[]> {
    const rows = [...this.#rows.values()]
      .filter((r) => (!q.state || r.state === q.state) && (!q.spaceId || r.spaceId === q.spaceId))
      .sort((a, b) => b.createdAt - a.createdAt || byId(b, a))
      .slice(0, clampDeliveryLimit(q.limit));
    return Promise.resolve(rows.map(view));
  }

  retry(id: string, now: number): Promise<boolean> {
    const r = this.#rows.get(id);
    if (!r || r.state !== 'failed') return Promise.resolve(false);
    r.state = 'pending';
    r.nextAttemptAt = now;
    return Promise.resolve(true);
  }

  prune(before: number): Promise<number> {
    let n = 0;
    for (const [id, r] of this.#rows)
      if (r.state !== 'pending' && r.createdAt < before) {
        this.#rows.delete(id);
        n++;
      }
    return Promise.resolve(n);
  }

  setSpaceEndpoint(e: SpaceEndpoint): Promise<void> {
    this.#endpoints.set(e.spaceId, { ...e });
    return Promise.resolve();
  }

  getSpaceEndpoint(spaceId: SpaceId): Promise<SpaceEndpoint | null> {
    const e = this.#endpoints.get(spaceId);
    return Promise.resolve(e ? { ...e } : null);
  }

  deleteSpaceEndpoint(spaceId: SpaceId): Promise<boolean> {
    return Promise.resolve(this.#endpoints.delete(spaceId));
  }
}
