/**
 * Webhook outbox conformance suite: every adapter runs these cases (style.md §7).
 *
 *   runWebhookOutboxConformance('sqlite :memory:', async () => ({ outbox, cleanup }));
 *
 * Each case gets a fresh, empty outbox. `second` (when given) is another connection to the
 * same data, as a second node of a cluster has; `reopen` is a restart on the same data.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { asSpaceId, asUserId } from '../../protocol/ids.js';
import { deliveryId, type WebhookMessage, type WebhookOutbox, type WebhookTarget } from './webhook-outbox.js';

export interface OutboxHarness {
  outbox: WebhookOutbox;
  /** another connection to the same data (a second node); absent for a private database */
  second?: () => Promise<WebhookOutbox>;
  /** closes and reopens on the same data; absent when not durable */
  reopen?: () => Promise<WebhookOutbox>;
  cleanup(): Promise<void>;
}

/** ms since epoch, past 2^31 */
const T0 = 1_790_000_000_000;
let seq = 0;
const message = (over: Partial<WebhookMessage> = {}): WebhookMessage => ({
  eventId: `msg_${++seq}`,
  type: 'space.live',
  spaceId: asSpaceId('s1'),
  payload: JSON.stringify({ type: 'space.live', data: { title: 'Morning show 🔥 "quoted"' } }),
  createdAt: T0,
  ...over,
});
const A: WebhookTarget = { url: 'https://a.example/hook', secret: 'whsec_AAAA' };
const B: WebhookTarget = { url: 'https://b.example/hook?x=1', secret: 'whsec_BBBB' };
const claim = (outbox: WebhookOutbox, owner: string, now = T0, limit = 10) =>
  outbox.claim({ owner, now, leaseMs: 30_000, limit });

export function runWebhookOutboxConformance(name: string, make: () => Promise<OutboxHarness>): void {
  const withOutbox =
    (body: (h: OutboxHarness, t: TestContext) => Promise<void>) => async (t: TestContext) => {
      const h = await make();
      try {
        await body(h, t);
      } finally {
        await h.cleanup();
      }
    };

  void describe(`Webhook outbox conformance: ${name}`, () => {
    void it(
      'enqueue stores one pending delivery per endpoint, due at once, and reads back as written',
      withOutbox(async ({ outbox }) => {
        const m = message();
        assert.equal(await outbox.enqueue(m, [A, B]), 2);
        const d = await outbox.get(deliveryId(m.eventId, A.url));
        assert.deepEqual(d, {
          ...m,
          ...A,
          id: deliveryId(m.eventId, A.url),
          state: 'pending',
          attempts: 0,
          nextAttemptAt: T0,
          lastAttemptAt: null,
          lastStatus: null,
          lastError: null,
          deliveredAt: null,
        });
      }),
    );

    void it(
      'enqueuing the same event again adds nothing (a re-raised event is delivered once)',
      withOutbox(async ({ outbox }) => {
        const m = message();
        await outbox.enqueue(m, [A]);
        assert.equal(await outbox.enqueue(m, [A, B]), 1);
        assert.equal((await outbox.list({})).length, 2);
      }),
    );

    void it(
      'a claim leases due deliveries oldest first, counts the attempt, and skips ones not yet due',
      withOutbox(async ({ outbox }) => {
        const early = message({ createdAt: T0 - 10 });
        const late = message();
        await outbox.enqueue(late, [A]);
        await outbox.enqueue(early, [A]);
        const got = await claim(outbox, 'n1', T0);
        assert.deepEqual(
          got.map((d) => d.eventId),
          [early.eventId, late.eventId],
        );
        assert.ok(got.every((d) => d.attempts === 1 && d.state === 'pending'));
        const id = deliveryId(late.eventId, A.url);
        assert.equal(
          await outbox.complete(id, 'n1', {
            outcome: 'retry',
            nextAttemptAt: T0 + 5_000,
            at: T0,
            status: 500,
            error: null,
          }),
          true,
        );
        assert.deepEqual(await claim(outbox, 'n2', T0 + 4_999), []);
        const again = await claim(outbox, 'n2', T0 + 5_000);
        assert.deepEqual(
          again.map((d) => [d.id, d.attempts]),
          [[id, 2]],
        );
      }),
    );

    void it(
      'claims respect the limit and due order',
      withOutbox(async ({ outbox }) => {
        const ms = [message(), message(), message()];
        for (const m of ms) await outbox.enqueue(m, [A]);
        const first = await claim(outbox, 'n1', T0, 2);
        assert.equal(first.length, 2);
        const rest = await claim(outbox, 'n2', T0, 10);
        assert.equal(rest.length, 1);
        const ids = new Set([...first, ...rest].map((d) => d.id));
        assert.equal(ids.size, 3);
      }),
    );

    void it(
      'while a lease holds no one else gets the delivery; after it runs out another claim does',
      withOutbox(async ({ outbox }) => {
        await outbox.enqueue(message(), [A]);
        assert.equal((await claim(outbox, 'n1', T0)).length, 1);
        assert.deepEqual(await claim(outbox, 'n2', T0 + 29_999), []);
        const taken = await claim(outbox, 'n2', T0 + 30_000);
        assert.equal(taken.length, 1);
        assert.equal(taken[0]!.attempts, 2);
        // the first holder's late answer changes nothing
        const late = { outcome: 'delivered', at: T0 + 30_001, status: 200, error: null } as const;
        assert.equal(await outbox.complete(taken[0]!.id, 'n1', late), false);
        assert.equal((await outbox.get(taken[0]!.id))?.state, 'pending');
        assert.equal(await outbox.complete(taken[0]!.id, 'n2', late), true);
        assert.equal((await outbox.get(taken[0]!.id))?.state, 'delivered');
      }),
    );

    void it(
      'two connections claiming at once never get the same delivery',
      withOutbox(async (h, t) => {
        if (!h.second) return t.skip('this outbox has no second connection (private database)');
        const other = await h.second();
        for (let i = 0; i < 40; i++) await h.outbox.enqueue(message(), [A]);
        const rounds = await Promise.all(
          Array.from({ length: 8 }, (_, i) => claim(i % 2 ? other : h.outbox, `n${i}`, T0, 7)),
        );
        const ids = rounds.flat().map((d) => d.id);
        assert.equal(ids.length, 40);
        assert.equal(new Set(ids).size, 40);
      }),
    );

    void it(
      'complete records delivered and failed outcomes with status, error and time',
      withOutbox(async ({ outbox }) => {
        const m = message();
        await outbox.enqueue(m, [A, B]);
        await claim(outbox, 'n1');
        const a = deliveryId(m.eventId, A.url);
        const b = deliveryId(m.eventId, B.url);
        await outbox.complete(a, 'n1', { outcome: 'delivered', at: T0 + 7, status: 204, error: null });
        await outbox.complete(b, 'n1', { outcome: 'failed', at: T0 + 8, status: null, error: 'refused' });
        const da = await outbox.get(a);
        assert.equal(da?.state, 'delivered');
        assert.equal(da?.deliveredAt, T0 + 7);
        assert.equal(da?.lastStatus, 204);
        const db = await outbox.get(b);
        assert.deepEqual(
          [db?.state, db?.lastStatus, db?.lastError, db?.lastAttemptAt, db?.deliveredAt],
          ['failed', null, 'refused', T0 + 8, null],
        );
        assert.deepEqual(await claim(outbox, 'n2', T0 + 3_600_000), []);
      }),
    );

    void it(
      'retry puts a failed delivery back to pending, due now; a pending one is left alone',
      withOutbox(async ({ outbox }) => {
        const m = message();
        await outbox.enqueue(m, [A]);
        const id = deliveryId(m.eventId, A.url);
        assert.equal(await outbox.retry(id, T0), false);
        await claim(outbox, 'n1');
        await outbox.complete(id, 'n1', { outcome: 'failed', at: T0, status: 410, error: null });
        assert.equal(await outbox.retry(id, T0 + 100), true);
        const d = await claim(outbox, 'n1', T0 + 100);
        assert.deepEqual(
          d.map((x) => [x.state, x.attempts]),
          [['pending', 2]],
        );
      }),
    );

    void it(
      'the log lists newest first, filtered by state and Space, within the limit',
      withOutbox(async ({ outbox }) => {
        const s2 = asSpaceId('s2');
        const old = message({ createdAt: T0 - 1000 });
        const other = message({ spaceId: s2, createdAt: T0 - 500 });
        const nu = message({ createdAt: T0 });
        for (const m of [old, other, nu]) await outbox.enqueue(m, [A]);
        assert.deepEqual(
          (await outbox.list({})).map((d) => d.eventId),
          [nu.eventId, other.eventId, old.eventId],
        );
        assert.deepEqual(
          (await outbox.list({ spaceId: s2 })).map((d) => d.eventId),
          [other.eventId],
        );
        assert.equal((await outbox.list({ limit: 1 })).length, 1);
        await claim(outbox, 'n1');
        await outbox.complete(deliveryId(old.eventId, A.url), 'n1', {
          outcome: 'delivered',
          at: T0,
          status: 200,
          error: null,
        });
        assert.deepEqual(
          (await outbox.list({ state: 'delivered' })).map((d) => d.eventId),
          [old.eventId],
        );
      }),
    );

    void it(
      'prune deletes finished deliveries older than the cut and keeps pending ones',
      withOutbox(async ({ outbox }) => {
        const done = message({ createdAt: T0 - 10_000 });
        const waiting = message({ createdAt: T0 - 10_000 });
        const fresh = message({ createdAt: T0 });
        for (const m of [done, waiting, fresh]) await outbox.enqueue(m, [A]);
        const id = deliveryId(done.eventId, A.url);
        await claim(outbox, 'n1', T0 - 10_000, 1);
        await outbox.complete(id, 'n1', { outcome: 'delivered', at: T0, status: 200, error: null });
        assert.equal(await outbox.prune(T0 - 1), 1);
        assert.equal(await outbox.get(id), null);
        assert.equal((await outbox.list({})).length, 2);
      }),
    );

    void it(
      "a Space's endpoint is set, replaced, read and deleted",
      withOutbox(async ({ outbox }) => {
        const spaceId = asSpaceId('s9');
        assert.equal(await outbox.getSpaceEndpoint(spaceId), null);
        const e = { spaceId, url: A.url, secret: A.secret, setBy: asUserId('h1'), at: T0 };
        await outbox.setSpaceEndpoint(e);
        assert.deepEqual(await outbox.getSpaceEndpoint(spaceId), e);
        const e2 = { ...e, url: B.url, secret: B.secret, at: T0 + 1 };
        await outbox.setSpaceEndpoint(e2);
        assert.deepEqual(await outbox.getSpaceEndpoint(spaceId), e2);
        assert.equal(await outbox.deleteSpaceEndpoint(spaceId), true);
        assert.equal(await outbox.deleteSpaceEndpoint(spaceId), false);
        assert.equal(await outbox.getSpaceEndpoint(spaceId), null);
      }),
    );

    void it(
      'pending deliveries and their leases survive a restart',
      withOutbox(async (h, t) => {
        if (!h.reopen) return t.skip('this outbox is not durable (no reopen)');
        const m = message();
        await h.outbox.enqueue(m, [A, B]);
        await claim(h.outbox, 'n1', T0, 1);
        const outbox = await h.reopen();
        // one is still leased to n1 (its node died), the other is due now
        const free = await claim(outbox, 'n2', T0);
        assert.equal(free.length, 1);
        const ok = { outcome: 'delivered', at: T0, status: 200, error: null } as const;
        assert.equal(await outbox.complete(free[0]!.id, 'n2', ok), true);
        const orphan = await claim(outbox, 'n2', T0 + 30_000);
        assert.deepEqual(
          orphan.map((d) => d.attempts),
          [2],
        );
      }),
    );
  });
}
