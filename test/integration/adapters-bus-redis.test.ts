/**
 * Bus conformance and outage behaviour against the real Redis at 127.0.0.1:6379 (REDIS_URL
 * overrides). Every harness uses a random namespace, so channels never meet other runs'. The
 * outage is a TCP proxy in this process that the test stops and restarts: the shared Redis
 * server is never touched.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import { runBusConformance, waitFor } from '../../src/core/ports/bus.conformance.js';
import { RedisBus } from '../../src/adapters/bus-redis/index.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const target = new globalThis.URL(URL);
const namespace = () => `rostra_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}:`;
const admin = new Redis(URL);
after(() => admin.quit());

runBusConformance('redis', async () => {
  const ns = namespace();
  const buses: RedisBus[] = [];
  return {
    connect: async () => {
      const bus = await RedisBus.connect({ connection: URL, namespace: ns });
      buses.push(bus);
      return bus;
    },
    cleanup: async () => void (await Promise.all(buses.map((b) => b.close()))),
  };
});

/** A TCP proxy to Redis that can be cut (every socket destroyed, port closed) and restored. */
async function redisProxy() {
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    url: () => `redis://127.0.0.1:${port}`,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: listen,
  };
}

const text = (s: string) => new TextEncoder().encode(s);

void describe('RedisBus', () => {
  void it('two local subscribers of one topic share one Redis subscription', async () => {
    const ns = namespace();
    const bus = await RedisBus.connect({ connection: URL, namespace: ns });
    const numsub = async () => Number((await admin.pubsub('NUMSUB', `${ns}t`))[1]);
    try {
      const got: number[] = [];
      const s1 = await bus.subscribe('t', () => void got.push(1));
      const s2 = await bus.subscribe('t', () => void got.push(2));
      assert.equal(await numsub(), 1);
      await bus.publish('t', text('x'));
      await waitFor(() => got.length === 2);
      await s1.unsubscribe();
      assert.equal(await numsub(), 1);
      await s2.unsubscribe();
      assert.equal(await numsub(), 0);
    } finally {
      await bus.close();
    }
  });

  void it('buses in different namespaces do not hear each other', async () => {
    const [a, b] = await Promise.all(
      [namespace(), namespace()].map((ns) => RedisBus.connect({ connection: URL, namespace: ns })),
    );
    try {
      const heard: string[] = [];
      await b!.subscribe('t', () => void heard.push('b'));
      await a!.subscribe('t', () => void heard.push('a'));
      await a!.publish('t', text('x'));
      await waitFor(() => heard.length === 1);
      await b!.publish('t', text('y'));
      await waitFor(() => heard.length === 2);
      assert.deepEqual(heard, ['a', 'b']);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  void it('with Redis cut off, publish rejects at once; after it returns the bus resubscribes by itself', async () => {
    const ns = namespace();
    const proxy = await redisProxy();
    const far = await RedisBus.connect({ connection: proxy.url(), namespace: ns, commandTimeoutMs: 500 });
    const near = await RedisBus.connect({ connection: URL, namespace: ns });
    try {
      const got: string[] = [];
      await far.subscribe('space.1', (d) => void got.push(new TextDecoder().decode(d)));
      await near.publish('space.1', text('before'));
      await waitFor(() => got.length === 1, 'delivery before the outage');

      await proxy.cut();
      await waitFor(() => !far.ready, 'the bus to notice the outage');
      const started = Date.now();
      await assert.rejects(far.publish('space.1', text('during')));
      assert.ok(Date.now() - started < 100, `publish took ${Date.now() - started} ms to reject`);
      await near.publish('space.1', text('lost')); // far is not listening: at-most-once

      await proxy.restore();
      await waitFor(() => far.ready, 'the bus to reconnect');
      // publish until one arrives: the resubscription may land just after 'ready'
      for (let i = 0; !got.includes('after'); i++) {
        assert.ok(i < 100, 'never resubscribed');
        await near.publish('space.1', text('after'));
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(!got.includes('lost'));
      await far.publish('space.1', text('far-again'));
      await waitFor(() => got.includes('far-again'), 'far publishing again');
    } finally {
      await Promise.all([far.close(), near.close()]);
      await proxy.cut();
    }
  });

  void it('after outages of seconds, the bus delivers again within ~250 ms of Redis returning', async () => {
    const ns = namespace();
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    const far = await RedisBus.connect({ connection: `redis://127.0.0.1:${proxy.port}`, namespace: ns });
    const near = await RedisBus.connect({ connection: URL, namespace: ns });
    try {
      const got: number[] = [];
      await far.subscribe('t', () => void got.push(Date.now()));
      // two lengths, so a backoff that grows to seconds cannot pass by the luck of its phase
      for (const outageMs of [2_500, 4_000]) {
        await proxy.cut();
        await new Promise((r) => setTimeout(r, outageMs));
        got.length = 0;
        await proxy.allow();
        const back = Date.now();
        while (got.length === 0) {
          assert.ok(Date.now() - back < 3_000, 'never resubscribed');
          await near.publish('t', text('after'));
          await new Promise((r) => setTimeout(r, 20));
        }
        await waitFor(() => far.ready, 'the publisher to reconnect');
        const ms = Math.max(got[0]! - back, Date.now() - back);
        console.log(`# bus delivers and publishes again ${ms} ms after a ${outageMs} ms outage`);
        assert.ok(ms < 600, `${ms} ms after a ${outageMs} ms outage`);
      }
    } finally {
      await Promise.all([far.close(), near.close()]);
      await proxy.close();
    }
  });

  void it('when Redis kills its connections (CLIENT KILL) the bus reconnects and resubscribes', async () => {
    const ns = namespace();
    const connectionName = `${ns.slice(0, -1)}_conn`;
    const bus = await RedisBus.connect({
      connection: { host: target.hostname, port: Number(target.port || 6379), connectionName },
      namespace: ns,
    });
    const other = await RedisBus.connect({ connection: URL, namespace: ns });
    try {
      const got: string[] = [];
      await bus.subscribe('t', (d) => void got.push(new TextDecoder().decode(d)));
      // only this bus's own two connections, found by their name
      const list = String(await admin.client('LIST'));
      const ids = [...list.matchAll(/id=(\d+) .*name=(\S+)/g)]
        .filter((m) => m[2] === connectionName)
        .map((m) => m[1]!);
      assert.equal(ids.length, 2);
      for (const id of ids) await admin.client('KILL', 'ID', id);
      for (let i = 0; !got.includes('after'); i++) {
        assert.ok(i < 150, 'never resubscribed');
        await other.publish('t', text('after'));
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(() => bus.ready, 'the publisher to reconnect');
      await bus.publish('t', text('self'));
      await waitFor(() => got.includes('self'));
    } finally {
      await Promise.all([bus.close(), other.close()]);
    }
  });

  void it('connect rejects when Redis is unreachable', async () => {
    const started = Date.now();
    await assert.rejects(RedisBus.connect({ connection: 'redis://127.0.0.1:1', connectTimeoutMs: 500 }));
    assert.ok(Date.now() - started < 1500);
  });
});
