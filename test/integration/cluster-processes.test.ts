/**
 * Three Rostra processes on loopback sharing the real Redis and PostgreSQL of this machine
 * (random key prefix and schema per run, removed afterwards). A Space is homed on node 0 with
 * listeners on nodes 1 and 2; node 0 is SIGKILLed: another node takes the lease, the speaker's
 * client publishes again, the listeners keep their sockets and hear the speaker again; the
 * gap is measured. Then a node gets SIGTERM: its listeners are sent to the remaining node.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { RedisLeases } from '../../src/adapters/leases-redis/index.js';
import { homeLeaseKey, parseHolder } from '../../src/cluster/topics.js';
import { startNodeProcess, type NodeProcess } from '../../src/cluster/testing/node-process.js';
import { ListenProbe } from '../../src/cluster/testing/listen-probe.js';
import type { SpaceId } from '../../src/protocol/ids.js';
import { api, signUp, TestSocket } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PREFIX = `rostra_ct_${run}:`;
const SCHEMA = `rostra_ct_${run}`;
const TTL = 2_000;
const TONE = 2000;
const dir = mkdtempSync(join(tmpdir(), 'rostra-cluster-proc-'));
const procs: NodeProcess[] = [];
const leases = new RedisLeases({ connection: REDIS_URL, prefix: `${PREFIX}lease:` });

after(async () => {
  for (const p of procs) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await leases.close();
  const admin = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
  await admin.quit();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

function start(i: number): Promise<NodeProcess> {
  return startNodeProcess(`p${i}`, {
    'data-dir': join(dir, `p${i}`),
    'redis-url': REDIS_URL,
    'database-url': PG_URL,
    'pg-schema': SCHEMA,
    'redis-prefix': PREFIX,
    'token-secret': `secret-of-cluster-test-${run}`,
    'home-lease-ms': String(TTL),
    'drain-ms': '1000',
    'log-level': 'warn',
  });
}

async function homeOf(spaceId: string): Promise<string | null> {
  const l = await leases.holder(homeLeaseKey(spaceId as SpaceId));
  return l ? parseHolder(l.holder).node : null;
}

function probe(s: TestSocket): ListenProbe {
  const p = new ListenProbe(440);
  s.ws.on('message', (data, isBinary) => {
    if (isBinary) p.batch(data as Buffer);
  });
  return p;
}

async function until(
  pred: () => boolean | Promise<boolean>,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** what a client does: retry until a node answers */
async function retry<T>(fn: (i: number) => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    try {
      return await fn(i);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

test('three processes: SIGKILL the home, the Space resumes on another node; SIGTERM a node, its listeners move', async () => {
  procs.push(await start(0));
  procs.push(...(await Promise.all([start(1), start(2)])));
  const [n0, n1, n2] = procs.map((p) => p.url) as [string, string, string];

  const host = await signUp(n0, 'host');
  const fan = await signUp(n1, 'fan');
  const troll = await signUp(n2, 'troll');
  const spaceId: string = (
    await api(n0, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Procs' } })
  ).body.space.id;
  const later: string = (
    await api(n0, 'POST', '/v1/spaces', {
      token: host.token,
      body: { title: 'Later', scheduledFor: Date.now() + 3600_000 },
    })
  ).body.space.id;
  assert.equal((await api(n1, 'PUT', `/v1/spaces/${later}/reminder`, { token: fan.token })).status, 200);
  const go = await api(n0, 'POST', `/v1/spaces/${spaceId}/actions`, {
    token: host.token,
    body: { type: 'go_live' },
  });
  assert.equal(go.status, 200, JSON.stringify(go.body));
  assert.equal(await homeOf(spaceId), 'p0');

  const l1 = await TestSocket.open(n1, `/v1/spaces/${spaceId}/listen`);
  const l2 = await TestSocket.open(n2, `/v1/spaces/${spaceId}/listen`);
  const lt = await TestSocket.open(n2, `/v1/spaces/${spaceId}/listen`, troll.token);
  await Promise.all([l1.waitType('welcome'), l2.waitType('welcome'), lt.waitType('welcome')]);
  const p1 = probe(l1);
  const p2 = probe(l2);
  const ban = await retry(async () => {
    const r = await api(n0, 'POST', `/v1/spaces/${spaceId}/actions`, {
      token: host.token,
      body: { type: 'ban', userId: troll.id },
    });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    return r;
  }, 5000);
  assert.equal(ban.status, 200);
  await lt.waitFor((m) => m.type === 'removed', 5000, 'troll removed');

  let speaker: WeriftSpeaker = await publishTone(n0, spaceId, host.token);
  try {
    await api(n0, 'POST', `/v1/spaces/${spaceId}/actions`, { token: host.token, body: { type: 'unmute' } });
    await until(
      () => p1.frames.some((f) => f.tone > TONE) && p2.frames.some((f) => f.tone > TONE),
      8000,
      'tone on nodes 1 and 2',
    );

    await new Promise((r) => setTimeout(r, 2000)); // a first recorded part worth the name
    // ---- SIGKILL the home ----
    const recDir = join(dir, 'p0', 'recordings', spaceId);
    console.log(
      `# p0 recording before the kill: ${readdirSync(recDir)
        .map((f) => `${f} ${statSync(join(recDir, f)).size} B`)
        .join(', ')}`,
    );
    if (process.env['DEBUG_CLUSTER']) console.log(procs[0]?.output());
    const killedAt = Date.now();
    procs[0]?.kill('SIGKILL');
    await procs[0]?.exited;
    await speaker.close();
    speaker = await retry((i) => publishTone(i % 2 ? n2 : n1, spaceId, host.token), 20_000);
    const publishedAt = Date.now();
    const newHome = await homeOf(spaceId);
    assert.ok(newHome === 'p1' || newHome === 'p2', `new home ${newHome}`);
    await retry(async (i) => {
      const r = await api(i % 2 ? n2 : n1, 'POST', `/v1/spaces/${spaceId}/actions`, {
        token: host.token,
        body: { type: 'unmute' },
      });
      if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    }, 5000);
    await until(
      () => p1.after(killedAt).some((f) => f.tone > TONE) && p2.after(killedAt).some((f) => f.tone > TONE),
      10_000,
      'tone again after failover',
    );
    const resumedAt = Date.now();
    assert.equal(l1.closeCode, null, 'listener on node 1 kept its socket');
    assert.equal(l2.closeCode, null, 'listener on node 2 kept its socket');
    const gap = p1.longestGap(killedAt - 500, resumedAt);
    const gap2 = p2.longestGap(killedAt - 500, resumedAt);
    const toneGap = p1.longestToneGap(killedAt - 500, TONE, resumedAt);
    console.log(
      `# SIGKILL failover (3 processes, Redis + PostgreSQL, lease ttl ${TTL} ms): ` +
        `audio gap at listeners ${gap.ms} / ${gap2.ms} ms (kill -> first new frame ${gap.firstAfter - killedAt} ms); ` +
        `speaker re-published after ${publishedAt - killedAt} ms; tone gap ${toneGap} ms; new home ${newHome}`,
    );
    assert.ok(gap.ms < TTL + 4000, `gap ${gap.ms} ms`);

    // nothing durable was lost: the Space, accounts, the ban, the reminder
    const snap = await api(n1, 'GET', `/v1/spaces/${spaceId}`);
    assert.equal(snap.body.space.state, 'live');
    const signIn = await api(n2, 'POST', '/v1/sessions', {
      body: { handle: fan.handle, password: 'correct horse battery' },
    });
    assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
    const again = await TestSocket.open(n1, `/v1/spaces/${spaceId}/listen`, troll.token);
    assert.equal((await again.waitType('error')).code, 'banned');
    again.close();
    const lobby = await api(n2, 'GET', '/v1/spaces?state=scheduled');
    assert.ok(lobby.body.spaces.some((s: any) => s.id === later && s.reminderCount === 1));

    // ---- SIGTERM a surviving node: its listener is sent to the other one ----
    const drainIdx = 1;
    const stayIdx = 2;
    const stay = procs[stayIdx]!.url;
    const startedDrain = Date.now();
    procs[drainIdx]?.kill('SIGTERM');
    const moved = await l1.waitType('switch_tier', 6000);
    assert.equal(moved.url, `${stay.replace(/^http/, 'ws')}/v1/spaces/${spaceId}/listen`);
    const code = await procs[drainIdx]!.exited;
    console.log(
      `# SIGTERM drain: switch_tier after ${Date.now() - startedDrain} ms max; node exited with ${code}`,
    );
    assert.equal(code, 0);
    const back = await TestSocket.open(stay, `/v1/spaces/${spaceId}/listen`);
    await back.waitType('welcome');
    const pb = probe(back);
    await until(() => pb.frames.length > 10, 8000, 'moved listener hears the Space');
    assert.equal(await homeOf(spaceId), 'p2');
    assert.equal(l2.closeCode, null);
    // the recording: each home term is recorded where it ran; neither part is corrupt
    await speaker.close();
    const end = await api(stay, 'POST', `/v1/spaces/${spaceId}/actions`, {
      token: host.token,
      body: { type: 'end_space' },
    });
    assert.equal(end.status, 200, JSON.stringify(end.body));
    await back.waitType('ended', 5000);
    const restarted = await start(0); // the SIGKILLed node comes back and repairs its log
    procs.push(restarted);
    for (const [name, url] of [
      ['first home (p0, restarted)', restarted.url],
      ['last home (p2)', stay],
    ] as const) {
      const t = await api(url, 'GET', `/v1/spaces/${spaceId}/replay/timeline`);
      console.log(`# recording on ${name}: ${t.status} ${JSON.stringify(t.body).slice(0, 300)}`);
      assert.equal(t.status, 200, `${name}: ${JSON.stringify(t.body)}`);
      assert.ok(t.body.durationMs > 0);
    }
    back.close();
    l1.close();
    l2.close();
  } finally {
    await speaker.close();
  }
});
