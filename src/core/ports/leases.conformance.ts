/**
 * Leases conformance suite: every Leases adapter runs these cases (see style.md §7).
 *
 *   runLeasesConformance('memory', async () => ({ connect, advance, now, cleanup }));
 *
 * `connect()` gives another node's view of the same backend. `advance(ms)` lets at least `ms`
 * of the backend's time pass (a fake clock moves; a real backend sleeps), so TTLs here are a
 * few hundred ms and the margins around expiry are wide enough for a real server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Leases } from './leases.js';

export interface LeasesHarness {
  /** a new client (node) on the same backend as every other client of this harness */
  connect(): Promise<Leases>;
  /** lets at least `ms` of backend time pass */
  advance(ms: number): Promise<void>;
  /** the backend's current time, ms since epoch */
  now(): number;
  /** closes every client it connected and removes the data */
  cleanup(): Promise<void>;
}

/** ms: the lease/part TTL used by the cases */
const TTL = 300;
/** ms of backend time tolerated between our clock and the backend's (real servers) */
const SLACK = 100;

let seq = 0;
const key = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export function runLeasesConformance(name: string, makeHarness: () => Promise<LeasesHarness>): void {
  const withNodes = (body: (a: Leases, b: Leases, h: LeasesHarness) => Promise<void>) => async () => {
    const h = await makeHarness();
    try {
      const [a, b] = [await h.connect(), await h.connect()];
      await body(a, b, h);
    } finally {
      await h.cleanup();
    }
  };

  void describe(`Leases conformance: ${name}`, () => {
    void it(
      'a free lease is granted with a positive token and its holder and expiry read back',
      withNodes(async (a, b, h) => {
        const k = key('home');
        const before = h.now();
        const grant = await a.acquire(k, 'node-a', TTL);
        assert.ok(grant && Number.isSafeInteger(grant.token) && grant.token > 0);
        const info = await b.holder(k);
        assert.equal(info?.holder, 'node-a');
        assert.equal(info?.token, grant.token);
        assert.ok(info.expiresAt >= before + TTL - SLACK && info.expiresAt <= h.now() + TTL + SLACK);
        assert.equal(await b.holder(key('never')), null);
      }),
    );

    void it(
      'a held lease is refused to another holder',
      withNodes(async (a, b) => {
        const k = key('home');
        assert.ok(await a.acquire(k, 'node-a', TTL));
        assert.equal(await b.acquire(k, 'node-b', TTL), null);
        assert.equal((await a.holder(k))?.holder, 'node-a');
      }),
    );

    void it(
      'the holder acquiring again gets a higher token, which fences its old one',
      withNodes(async (a) => {
        const k = key('home');
        const first = await a.acquire(k, 'node-a', TTL);
        const again = await a.acquire(k, 'node-a', TTL);
        assert.ok(first && again && again.token > first.token);
        assert.equal(await a.renew(k, 'node-a', first.token, TTL), false);
        assert.equal(await a.renew(k, 'node-a', again.token, TTL), true);
      }),
    );

    void it(
      'expiry frees the lease and the next holder gets a higher token',
      withNodes(async (a, b, h) => {
        const k = key('home');
        const first = await a.acquire(k, 'node-a', TTL);
        await h.advance(TTL + SLACK);
        assert.equal(await b.holder(k), null);
        const second = await b.acquire(k, 'node-b', TTL);
        assert.ok(first && second && second.token > first.token);
        assert.equal(await a.renew(k, 'node-a', first.token, TTL), false);
        assert.equal((await a.holder(k))?.holder, 'node-b');
      }),
    );

    void it(
      'the holder renewing with its token keeps the lease past the first ttl',
      withNodes(async (a, b, h) => {
        const k = key('home');
        const grant = await a.acquire(k, 'node-a', TTL);
        assert.ok(grant);
        const firstExpiry = (await a.holder(k))!.expiresAt;
        await h.advance(TTL / 2);
        assert.equal(await a.renew(k, 'node-a', grant.token, TTL), true);
        await h.advance(TTL / 2 + SLACK / 2);
        const info = await b.holder(k);
        assert.deepEqual([info?.holder, info?.token], ['node-a', grant.token]);
        assert.ok(info !== null && info.expiresAt > firstExpiry);
        assert.equal(await b.acquire(k, 'node-b', TTL), null);
      }),
    );

    void it(
      'a lease cannot be renewed by a non-holder, with a stale token, or after it expired',
      withNodes(async (a, b, h) => {
        const k = key('home');
        const grant = await a.acquire(k, 'node-a', TTL);
        assert.ok(grant);
        const before = await a.holder(k);
        assert.equal(await b.renew(k, 'node-b', grant.token, TTL * 10), false);
        assert.equal(await a.renew(k, 'node-a', grant.token - 1, TTL * 10), false);
        assert.equal(await a.renew(k, 'node-a', grant.token + 1, TTL * 10), false);
        assert.deepEqual(await a.holder(k), before);
        await h.advance(TTL + SLACK);
        assert.equal(await a.renew(k, 'node-a', grant.token, TTL), false);
        assert.equal(await a.holder(k), null);
        assert.equal(await b.renew(key('never'), 'node-b', 1, TTL), false);
      }),
    );

    void it(
      'release by the holder frees the lease; by anyone else or with a stale token it does nothing',
      withNodes(async (a, b) => {
        const k = key('home');
        const grant = await a.acquire(k, 'node-a', TTL * 10);
        assert.ok(grant);
        await b.release(k, 'node-b', grant.token);
        await a.release(k, 'node-a', grant.token - 1);
        assert.equal((await b.holder(k))?.holder, 'node-a');
        await a.release(k, 'node-a', grant.token);
        await a.release(k, 'node-a', grant.token); // idempotent
        assert.equal(await b.holder(k), null);
        const next = await b.acquire(k, 'node-b', TTL);
        assert.ok(next && next.token > grant.token);
        await a.release(k, 'node-a', grant.token); // the old holder cannot free the new lease
        assert.equal((await a.holder(k))?.holder, 'node-b');
      }),
    );

    void it(
      'tokens strictly increase per key over many acquire/release cycles and nodes',
      withNodes(async (a, b) => {
        const k = key('home');
        const tokens: number[] = [];
        for (let i = 0; i < 20; i++) {
          const [node, name] = i % 2 ? [a, 'node-a'] : [b, 'node-b'];
          const g = await node.acquire(k, name, TTL);
          assert.ok(g, `cycle ${i}`);
          tokens.push(g.token);
          await node.release(k, name, g.token);
        }
        for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i]! > tokens[i - 1]!);
      }),
    );

    void it(
      'of many nodes acquiring at once exactly one gets the lease',
      withNodes(async (a, b, h) => {
        const nodes = [a, b, await h.connect(), await h.connect()];
        const k = key('home');
        const grants = await Promise.all(
          nodes.flatMap((n, i) => [n.acquire(k, `node-${i}`, TTL), n.acquire(k, `node-${i}x`, TTL)]),
        );
        const winners = grants.filter((g) => g !== null);
        assert.equal(winners.length, 1);
        assert.equal((await a.holder(k))?.token, winners[0]!.token);
      }),
    );

    void it(
      'a ttl below 1 ms or not an integer, and a fractional count, are refused',
      withNodes(async (a) => {
        await assert.rejects(a.acquire(key('k'), 'node-a', 0), RangeError);
        await assert.rejects(a.acquire(key('k'), 'node-a', 1.5), RangeError);
        await assert.rejects(a.renew(key('k'), 'node-a', 1, -1), RangeError);
        await assert.rejects(a.setPart(key('k'), 'node-a', 1, 0), RangeError);
        await assert.rejects(a.setPart(key('k'), 'node-a', 0.5, TTL), RangeError);
        await assert.rejects(a.incrBy(key('k'), 0.5), RangeError);
      }),
    );

    void it(
      'a counter is shared by all nodes, starts at 0 and can go down',
      withNodes(async (a, b) => {
        const k = key('count');
        assert.equal(await a.get(k), 0);
        assert.equal(await a.incrBy(k, 5), 5);
        assert.equal(await b.incrBy(k, 3), 8);
        assert.equal(await b.incrBy(k, -10), -2);
        assert.equal(await a.get(k), -2);
        const n = 50;
        await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? a : b).incrBy(k, 1)));
        assert.equal(await b.get(k), n - 2);
      }),
    );

    void it(
      'a counter with a ttl reads 0 once the ttl has passed since the last increment',
      withNodes(async (a, b, h) => {
        const k = key('count');
        await a.incrBy(k, 2, TTL);
        await h.advance(TTL / 2);
        assert.equal(await b.incrBy(k, 1, TTL), 3);
        await h.advance(TTL / 2 + SLACK / 2);
        assert.equal(await a.get(k), 3);
        await h.advance(TTL / 2 + SLACK);
        assert.equal(await a.get(k), 0);
        assert.equal(await a.incrBy(k, 1), 1);
      }),
    );

    void it(
      'per-node parts sum across nodes and a re-set part replaces the old value',
      withNodes(async (a, b, h) => {
        const c = await h.connect();
        const k = key('listeners');
        assert.equal(await a.sum(k), 0);
        await a.setPart(k, 'node-a', 10, TTL);
        await b.setPart(k, 'node-b', 32, TTL);
        await c.setPart(k, 'node-c', 0, TTL);
        assert.equal(await c.sum(k), 42);
        await a.setPart(k, 'node-a', 7, TTL);
        assert.equal(await b.sum(k), 39);
        await b.removePart(k, 'node-b');
        await b.removePart(k, 'node-b');
        assert.equal(await a.sum(k), 7);
        assert.equal(await a.sum(key('other')), 0);
      }),
    );

    void it(
      'a node part that is not re-set disappears after its ttl while refreshed parts stay',
      withNodes(async (a, b, h) => {
        const k = key('listeners');
        await a.setPart(k, 'node-a', 100, TTL);
        await b.setPart(k, 'node-b', 5, TTL);
        await h.advance(TTL / 2);
        await b.setPart(k, 'node-b', 6, TTL);
        await h.advance(TTL / 2 + SLACK);
        assert.equal(await b.sum(k), 6);
        await h.advance(TTL);
        assert.equal(await b.sum(k), 0);
      }),
    );

    void it(
      'close is idempotent, later calls reject, and other nodes carry on',
      withNodes(async (a, b) => {
        const k = key('home');
        const grant = await a.acquire(k, 'node-a', TTL * 10);
        await a.close();
        await a.close();
        await assert.rejects(a.acquire(key('k'), 'node-a', TTL));
        await assert.rejects(a.holder(k));
        await assert.rejects(a.sum(k));
        // the lease stays held until it expires: closing is not releasing
        assert.equal((await b.holder(k))?.token, grant?.token);
        assert.equal(await b.incrBy(key('c'), 1), 1);
      }),
    );
  });
}
