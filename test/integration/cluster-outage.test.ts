/**
 * "Redis briefly unreachable", in one process: every node's bus is partitioned and every lease
 * call fails at once. Shorter than the lease ttl: the home keeps its Space and its own
 * listeners keep hearing it; edges pause and resume when the bus is back, with no failover.
 * Longer than the ttl: the home steps down (it can no longer prove it is the only home), and
 * the cluster heals by itself once Redis is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMemoryCluster, type MemCluster } from '../helpers/mem-cluster.js';
import { ListenProbe } from '../../src/cluster/testing/listen-probe.js';
import { homeLeaseKey } from '../../src/cluster/topics.js';
import type { SpaceId } from '../../src/protocol/ids.js';
import { api, signUp, TestSocket } from '../helpers/server.js';

function probe(s: TestSocket): ListenProbe {
  const p = new ListenProbe(440);
  s.ws.on('message', (data, isBinary) => {
    if (isBinary) p.batch(data as Buffer);
  });
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(c: MemCluster) {
  const [a, b] = c.nodes.map((n) => n.url) as [string, string];
  const host = await signUp(a, 'host');
  const spaceId: string = (
    await api(a, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Outage' } })
  ).body.space.id;
  await api(a, 'POST', `/v1/spaces/${spaceId}/actions`, { token: host.token, body: { type: 'go_live' } });
  const onHome = await TestSocket.open(a, `/v1/spaces/${spaceId}/listen`);
  const onEdge = await TestSocket.open(b, `/v1/spaces/${spaceId}/listen`);
  await Promise.all([onHome.waitType('welcome'), onEdge.waitType('welcome')]);
  const ph = probe(onHome);
  const pe = probe(onEdge);
  // the mixer's worker can take a while to start on a busy machine: cut only once audio flows
  const deadline = Date.now() + 10_000;
  while (ph.frames.length < 10 || pe.frames.length < 10) {
    if (Date.now() > deadline) throw new Error('no audio on both nodes before the outage');
    await sleep(20);
  }
  return { spaceId, onHome, onEdge, ph, pe };
}

const cutAll = (c: MemCluster) => c.nodes.forEach((_, i) => c.cut(i));
const healAll = (c: MemCluster) => c.nodes.forEach((_, i) => c.heal(i));

test('an outage shorter than the lease ttl: audio on the home never stops, edges resume, no failover', async () => {
  const ttl = 3_000;
  const c = await startMemoryCluster(2, { config: { homeLeaseMs: ttl } });
  try {
    const { spaceId, onHome, onEdge, ph, pe } = await setup(c);
    await sleep(500);
    const token = c.table.lease(homeLeaseKey(spaceId as SpaceId))?.token;
    const t0 = Date.now();
    cutAll(c);
    await sleep(1_500);
    const healedAt = Date.now();
    healAll(c);
    await sleep(1_000);
    const homeGap = ph.longestGap(t0 - 200);
    const edgeGap = pe.longestGap(t0 - 200);
    console.log(
      `# 1.5 s outage: longest gap at the home's listener ${homeGap.ms} ms, at an edge's ${edgeGap.ms} ms`,
    );
    assert.ok(homeGap.ms < 400, `home listener gap ${homeGap.ms} ms`);
    assert.ok(edgeGap.ms >= 1_000, `edge gap ${edgeGap.ms} ms`);
    assert.ok(pe.after(healedAt).length > 20, 'edge resumed');
    assert.equal(c.homeOf(spaceId), 'node0');
    assert.equal(c.table.lease(homeLeaseKey(spaceId as SpaceId))?.token, token, 'same lease, no failover');
    onHome.close();
    onEdge.close();
  } finally {
    await c.stop();
  }
});

test('an outage longer than the lease ttl: the home steps down, and the cluster heals when Redis is back', async () => {
  const ttl = 1_000;
  const c = await startMemoryCluster(2, { config: { homeLeaseMs: ttl } });
  try {
    const { spaceId, onHome, onEdge, ph, pe } = await setup(c);
    await sleep(300);
    const t0 = Date.now();
    cutAll(c);
    await sleep(ttl + 1_000);
    const last = ph.frames.at(-1)?.at ?? 0;
    assert.ok(last - t0 <= ttl + 300, `the home stopped mixing ${last - t0} ms into the outage`);
    const healedAt = Date.now();
    healAll(c);
    const deadline = Date.now() + 8_000;
    while (!(ph.after(healedAt).length > 20 && pe.after(healedAt).length > 20)) {
      if (Date.now() > deadline) throw new Error('no audio after healing');
      await sleep(50);
    }
    console.log(
      `# ${ttl + 1000} ms outage (ttl ${ttl}): audio back ${Math.max(ph.after(healedAt)[0]!.at, pe.after(healedAt)[0]!.at) - healedAt} ms after Redis returned; home ${c.homeOf(spaceId)}`,
    );
    assert.ok(c.homeOf(spaceId));
    assert.equal(onHome.closeCode, null);
    assert.equal(onEdge.closeCode, null);
    onHome.close();
    onEdge.close();
  } finally {
    await c.stop();
  }
});
