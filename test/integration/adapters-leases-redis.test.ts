/**
 * Leases conformance against the real Redis at 127.0.0.1:6379 (REDIS_URL overrides). Every key
 * is under a random per-harness prefix, deleted at cleanup, so runs never see each other.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { runLeasesConformance } from '../../src/core/ports/leases.conformance.js';
import { RedisLeases } from '../../src/adapters/leases-redis/index.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const runId = () => `rostra_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}:`;

/** deletes every key under prefix */
async function dropPrefix(prefix: string): Promise<void> {
  const admin = new Redis(URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  } finally {
    await admin.quit();
  }
}

runLeasesConformance('redis', async () => {
  const prefix = runId();
  const open: RedisLeases[] = [];
  return {
    connect: async () => {
      const l = new RedisLeases({ connection: URL, prefix });
      open.push(l);
      return l;
    },
    advance: (ms) => sleep(ms),
    now: () => Date.now(),
    cleanup: async () => {
      await Promise.all(open.map((l) => l.close()));
      await dropPrefix(prefix);
    },
  };
});

void describe('RedisLeases', () => {
  void it('the fencing counter survives the lease key and is never expired', async () => {
    const prefix = runId();
    const leases = new RedisLeases({ connection: URL, prefix });
    const admin = new Redis(URL);
    try {
      const g = await leases.acquire('space-1', 'node-a', 50);
      await sleep(80);
      assert.equal(await admin.exists(`${prefix}{space-1}:lease`), 0);
      assert.equal(await admin.get(`${prefix}{space-1}:fence`), String(g?.token));
      assert.equal(await admin.pttl(`${prefix}{space-1}:fence`), -1);
      assert.equal((await leases.acquire('space-1', 'node-b', 50))?.token, g!.token + 1);
    } finally {
      await leases.close();
      await admin.quit();
      await dropPrefix(prefix);
    }
  });

  void it('with Redis unreachable every call rejects within the command timeout', async () => {
    // port 1 on loopback: nothing listens, connections are refused
    const leases = new RedisLeases({
      connection: { host: '127.0.0.1', port: 1, retryStrategy: () => 50 },
      commandTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      await assert.rejects(leases.acquire('k', 'node-a', 1000));
      await assert.rejects(leases.sum('k'));
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    } finally {
      await leases.close();
    }
  });

  void it('after an outage of seconds, calls answer again within ~250 ms of Redis returning', async () => {
    const target = new globalThis.URL(URL);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    const prefix = runId();
    const leases = new RedisLeases({ connection: `redis://127.0.0.1:${proxy.port}`, prefix });
    try {
      assert.ok(await leases.acquire('k', 'node-a', 10_000));
      await proxy.cut();
      await assert.rejects(leases.holder('k'));
      await sleep(3_000); // long enough for a default backoff to have grown to 2 s
      await proxy.allow();
      const back = Date.now();
      for (;;) {
        const info = await leases.holder('k').catch(() => null);
        if (info) break;
        assert.ok(Date.now() - back < 2_000, 'leases never answered again');
        await sleep(20);
      }
      const ms = Date.now() - back;
      console.log(`# leases answer again ${ms} ms after Redis returned (3 s outage)`);
      assert.ok(ms < 600, `${ms} ms`);
    } finally {
      await leases.close();
      await proxy.close();
      await dropPrefix(prefix);
    }
  });
});
