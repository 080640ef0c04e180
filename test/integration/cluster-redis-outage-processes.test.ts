/**
 * "Redis briefly unreachable" with three real `rostra start` processes and the real Redis and
 * PostgreSQL of this machine. The nodes reach Redis through a TcpProxy; cutting it closes every
 * Redis connection of every node and refuses new ones (the test still reads the leases
 * straight from Redis). A Space is homed on p0 with a werift speaker publishing a tone and a
 * decoding listener on each node.
 *
 * (a) outage shorter than the lease ttl: the home's listener hears the tone throughout, edges'
 *     listeners get it back once Redis returns, same home and lease token.
 * (b) outage longer than the ttl: the home gives up at its deadline (docs/cluster.md); once
 *     Redis is back a node takes the Space again, the speaker publishes again, every listener
 *     hears it; the Space is not lost.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, type TestSocket } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { ProcCluster, REDIS_URL, action, listener, liveSpace } from '../helpers/cluster-procs.js';
import { retry, sleep, until } from '../helpers/wait.js';
import type { ListenProbe } from '../../src/cluster/testing/listen-probe.js';

const TTL = 3_000; // the default --home-lease-ms
const SHORT_MS = 1_500;
const LONG_MS = 6_000;
const TONE = 2000;

let proxy: TcpProxy;
let cluster: ProcCluster;
let urls: string[] = [];

before(async () => {
  const target = new URL(REDIS_URL);
  proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
  cluster = new ProcCluster({
    ttlMs: TTL,
    nodeRedisUrl: `redis://127.0.0.1:${proxy.port}${target.pathname}`,
    tag: 'ro',
  });
  urls = await cluster.startAll(3);
});

after(async () => {
  await proxy.close();
  await cluster.cleanup();
});

interface Ear {
  name: string;
  socket: TestSocket;
  probe: ListenProbe;
}

/** a live Space homed on p0, a speaker on stage publishing a tone, a listener on every node */
async function setup(title: string) {
  const [n0] = urls as [string];
  const { spaceId, host } = await liveSpace(n0, title);
  assert.equal(await cluster.homeOf(spaceId), 'p0');
  const ears: Ear[] = await Promise.all(
    urls.map(async (u, i) => ({ name: `p${i}`, ...(await listener(u, spaceId)) })),
  );
  const speaker = await publishTone(n0, spaceId, host.token);
  await action(() => n0, spaceId, host.token, { type: 'unmute' });
  await until(() => ears.every((e) => e.probe.frames.some((f) => f.tone > TONE)), 8000, 'tone everywhere');
  return { spaceId, host, ears, speaker };
}

const firstAfter = (p: ListenProbe, t: number, tone = false) =>
  p.after(t).find((f) => !tone || f.tone > TONE)?.at ?? Number.NaN;

test(
  'Redis cut for less than the lease ttl: the home never stops, edges resume, same home',
  { timeout: 90_000 },
  async () => {
    const { spaceId, host, ears, speaker } = await setup('Short outage');
    const [home, ...edges] = ears as [Ear, Ear, Ear];
    try {
      await sleep(3000);
      const leaseBefore = await cluster.lease(spaceId);
      const cutAt = Date.now();
      // the same listener's longest gap with Redis up: what this machine does anyway
      const baseline = home.probe.longestGap(cutAt - 2500, cutAt).ms;
      await proxy.cut();
      await sleep(300);
      // what still works meanwhile: commands on the home node; an edge's command fails fast
      const homeReact = await home.socket.command({ type: 'react', emoji: '🔥' });
      const edgeReact = await edges[0].socket.command({ type: 'react', emoji: '🔥' });
      const edgeReactMs = Date.now() - cutAt - 300;
      await sleep(cutAt + SHORT_MS - Date.now());
      const allowAt = Date.now();
      await proxy.allow();
      await until(
        () => edges.every((e) => e.probe.after(allowAt).some((f) => f.tone > TONE)),
        8000,
        'tone back on the edges',
      );
      await sleep(1000);
      const homeGap = home.probe.longestGap(cutAt - 200);
      const homeToneGap = home.probe.longestToneGap(cutAt - 200, TONE);
      const edgeBack = edges.map((e) => firstAfter(e.probe, allowAt) - allowAt);
      const edgeGaps = edges.map((e) => e.probe.longestGap(cutAt - 200).ms);
      const leaseAfter = await cluster.lease(spaceId);
      console.log(
        `# ${SHORT_MS} ms Redis outage (3 processes, ttl ${TTL} ms): home listener longest gap ` +
          `${homeGap.ms} ms (${baseline} ms in the 2.5 s before), tone gap ${homeToneGap} ms; ` +
          `edges' longest gap ${edgeGaps.join(' / ')} ms, ` +
          `audio back ${edgeBack.join(' / ')} ms after Redis returned; ` +
          `react on the home: ${homeReact.type}, on an edge: ${edgeReact.type} ${edgeReact.code ?? ''} ` +
          `after ${edgeReactMs} ms; lease token ${leaseBefore?.token} -> ${leaseAfter?.token}`,
      );
      // ~200 ms, or what the machine's load does anyway (the outage must add nothing)
      const allowed = Math.max(250, baseline + 150);
      assert.ok(homeGap.ms <= allowed, `home listener gap ${homeGap.ms} ms (baseline ${baseline} ms)`);
      assert.ok(homeToneGap <= allowed, `home listener tone gap ${homeToneGap} ms`);
      assert.equal(homeReact.type, 'ack');
      assert.equal(edgeReact.code, 'server_busy');
      for (const e of edges) {
        const during = e.probe.frames.filter((f) => f.at > cutAt + 200 && f.at < allowAt);
        assert.equal(during.length, 0, `${e.name} heard nothing while Redis was cut`);
      }
      assert.ok(Math.max(...edgeBack) < 3000, `edges back after ${edgeBack.join(' / ')} ms`);
      assert.equal(await cluster.homeOf(spaceId), 'p0');
      assert.equal(leaseAfter?.token, leaseBefore?.token, 'same lease: no failover');
      for (const e of ears) assert.equal(e.socket.closeCode, null, `${e.name} kept its socket`);
      // commands from edges work again
      await retry(async () => {
        const r = await edges[0].socket.command({ type: 'react', emoji: '🔥' });
        if (r.type !== 'ack') throw new Error(JSON.stringify(r));
      }, 5000);
      await action(() => urls[0]!, spaceId, host.token, { type: 'end_space' });
    } finally {
      await speaker.close();
      for (const e of ears) e.socket.close();
    }
  },
);

test(
  'Redis cut for longer than the ttl: the home gives up at its deadline, the cluster heals when Redis is back',
  { timeout: 90_000 },
  async () => {
    const { spaceId, host, ears, speaker: first } = await setup('Long outage');
    let speaker: WeriftSpeaker = first;
    try {
      await sleep(2000);
      const leaseBefore = await cluster.lease(spaceId);
      const cutAt = Date.now();
      await proxy.cut();
      await sleep(LONG_MS);
      const home = ears[0]!;
      const homeLast = (home.probe.frames.at(-1)?.at ?? 0) - cutAt;
      const allowAt = Date.now();
      await proxy.allow();
      // the speaker's client notices its session died and publishes again, on any node
      const republished = publishTone(urls, spaceId, host.token, { attemptMs: 5_000, withinMs: 20_000 }).then(
        async (s) => {
          await speaker.close();
          speaker = s;
          return Date.now();
        },
      );
      await until(async () => (await cluster.homeOf(spaceId)) !== null, 10_000, 'a home again');
      const homedAt = Date.now();
      const newHome = await cluster.homeOf(spaceId);
      const publishedAt = await republished;
      await action((i) => urls[i % 3]!, spaceId, host.token, { type: 'unmute' });
      await until(
        () => ears.every((e) => e.probe.after(allowAt).some((f) => f.tone > TONE)),
        15_000,
        'tone back everywhere',
      ).catch(async (err: unknown) => {
        const heard = ears.map((e) => {
          const after = e.probe.after(allowAt);
          return `${e.name}: ${after.length} frames, ${after.filter((f) => f.tone > TONE).length} toned`;
        });
        console.log(`# home ${await cluster.homeOf(spaceId)}; ${heard.join('; ')}`);
        for (const p of cluster.procs) console.log(`--- ${p.id}\n${p.output().slice(-4000)}`);
        throw err;
      });
      const frameBack = ears.map((e) => firstAfter(e.probe, allowAt) - allowAt);
      const toneBack = ears.map((e) => firstAfter(e.probe, allowAt, true) - allowAt);
      const leaseAfter = await cluster.lease(spaceId);
      console.log(
        `# ${LONG_MS} ms Redis outage (3 processes, ttl ${TTL} ms): home's listener last frame ` +
          `${homeLast} ms into the outage; after Redis returned: lease taken by ${newHome} within ` +
          `${homedAt - allowAt} ms (token ${leaseBefore?.token} -> ${leaseAfter?.token}), audio back ` +
          `${frameBack.join(' / ')} ms, speaker published again after ${publishedAt - allowAt} ms, ` +
          `tone back ${toneBack.join(' / ')} ms`,
      );
      // the home stopped at its own deadline: after 2/3 of the ttl at the earliest, never after it
      assert.ok(homeLast >= (TTL * 2) / 3 - 100 && homeLast <= TTL + 300, `home stopped at ${homeLast} ms`);
      for (const e of ears)
        assert.equal(
          e.probe.frames.filter((f) => f.at > cutAt + TTL + 300 && f.at < allowAt).length,
          0,
          `${e.name}: no home while Redis was cut`,
        );
      assert.ok(leaseAfter && leaseBefore && leaseAfter.token > leaseBefore.token, 'a new home term');
      // after the lease: loading the Room from PostgreSQL and starting a mixer worker, then the
      // speaker's client publishing again (seconds on a loaded 2-core machine)
      assert.ok(Math.max(...toneBack) < 12_000, `tone back after ${toneBack.join(' / ')} ms`);
      // nothing lost: the Space is live on every node, listeners kept their sockets
      for (const u of urls) {
        const r = await api(u, 'GET', `/v1/spaces/${spaceId}`);
        assert.equal(r.body.space.state, 'live');
      }
      for (const e of ears) assert.equal(e.socket.closeCode, null, `${e.name} kept its socket`);
    } finally {
      await speaker.close();
      for (const e of ears) e.socket.close();
    }
  },
);
