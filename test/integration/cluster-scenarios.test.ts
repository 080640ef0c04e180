/**
 * The same scenarios on one node (embedded default) and on a three-node cluster in one process
 * (MemoryBroker + MemoryLeases + one SQLite store): the host on one node, listeners on the
 * others. Each scenario uses nodes by index modulo the node count, so on one node everybody
 * meets on the same server.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudioBatch } from '../../src/protocol/audience.js';
import { startMemoryCluster, type MemCluster } from '../helpers/mem-cluster.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';

interface Setup {
  urls: string[];
  stop(): Promise<void>;
}

const setups: Record<string, () => Promise<Setup>> = {
  'one node': async () => {
    const s: TestServer = await startTestServer({ hostGraceMs: 300 });
    return { urls: [s.url], stop: () => s.stop() };
  },
  'three nodes': async () => {
    const c: MemCluster = await startMemoryCluster(3, { config: { hostGraceMs: 300 } });
    return { urls: c.nodes.map((n) => n.url), stop: () => c.stop() };
  },
};

/** resolves once the socket has received `n` audio frames after now */
async function hearsFrames(s: TestSocket, n: number, timeoutMs = 5000): Promise<void> {
  const start = s.binary.length;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = s.binary.slice(start).reduce((sum, b) => sum + (decodeAudioBatch(b)?.length ?? 0), 0);
    if (frames >= n) return;
    if (Date.now() > deadline) throw new Error(`heard ${frames}/${n} frames`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function liveSpace(url: string) {
  const host = await signUp(url, 'host');
  const res = await api(url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Across nodes' } });
  assert.equal(res.status, 201);
  const spaceId: string = res.body.space.id;
  const stage = await TestSocket.open(url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  return { host, spaceId, stage };
}

for (const [name, setup] of Object.entries(setups)) {
  describe(`cluster scenarios, ${name}`, () => {
    let s: Setup;
    const at = (i: number): string => s.urls[i % s.urls.length] as string;
    before(async () => {
      s = await setup();
    });
    after(async () => {
      await s.stop();
    });

    test('listeners on every node hear the one mix and see the same merged count', async () => {
      const { spaceId, stage } = await liveSpace(at(0));
      const listeners: TestSocket[] = [];
      for (let i = 0; i < 4; i++) {
        const l = await TestSocket.open(at(1 + (i % 2)), `/v1/spaces/${spaceId}/listen`);
        const welcome = await l.waitType('welcome');
        assert.equal(welcome.snapshot.space.state, 'live');
        listeners.push(l);
      }
      await Promise.all(listeners.map((l) => hearsFrames(l, 25)));
      for (const l of listeners)
        await l.waitFor((m) => m.type === 'counts' && m.counts.listeningNow === 4, 5000, 'count of 4');
      await stage.waitFor((m) => m.type === 'counts' && m.counts.listeningNow === 4, 5000, 'count at host');
      listeners[0]?.close();
      await stage.waitFor((m) => m.type === 'counts' && m.counts.listeningNow === 3, 5000, 'count of 3');
      for (const l of listeners) l.close();
      stage.close();
    });

    test('a reaction on one node reaches listeners on another as an aggregated batch', async () => {
      const { spaceId, stage } = await liveSpace(at(0));
      const a = await TestSocket.open(at(1), `/v1/spaces/${spaceId}/listen`);
      const b = await TestSocket.open(at(2), `/v1/spaces/${spaceId}/listen`);
      await Promise.all([a.waitType('welcome'), b.waitType('welcome')]);
      for (let i = 0; i < 3; i++) assert.equal((await a.command({ type: 'react', emoji: '👏' })).type, 'ack');
      const batch = await b.waitFor((m) => m.type === 'reactions' && m.counts['👏'] === 3, 5000, 'reactions');
      assert.equal(batch.counts['👏'], 3);
      await stage.waitFor((m) => m.type === 'reactions' && m.counts['👏'] === 3, 5000, 'reactions at host');
      for (const x of [a, b, stage]) x.close();
    });

    test('a listener on another node raises a hand, is approved, and gets the speaker role there', async () => {
      const { spaceId, stage } = await liveSpace(at(0));
      const alice = await signUp(at(1), 'alice');
      const l = await TestSocket.open(at(1), `/v1/spaces/${spaceId}/listen`, alice.token);
      await l.waitType('welcome');
      assert.equal((await l.command({ type: 'raise_hand' })).type, 'ack');
      await stage.waitFor((m) => m.type === 'requests' && m.requests.length === 1, 5000, 'requests');
      assert.equal((await stage.command({ type: 'approve_request', userId: alice.id })).type, 'ack');
      await l.waitFor((m) => m.type === 'role' && m.role === 'speaker', 5000, 'role');
      // her stage socket may be on any node: it gets the stage and her role there too
      const aliceStage = await TestSocket.open(at(2), `/v1/spaces/${spaceId}/stage`, alice.token);
      const welcome = await aliceStage.waitType('welcome');
      assert.equal(welcome.you.role, 'speaker');
      assert.equal((await aliceStage.command({ type: 'unmute' })).type, 'ack');
      await stage.waitFor(
        (m) => m.type === 'snapshot' && m.snapshot.stage.some((x: any) => x.userId === alice.id && !x.muted),
        5000,
        'alice unmuted',
      );
      assert.equal((await stage.command({ type: 'move_to_audience', userId: alice.id })).type, 'ack');
      assert.equal(await aliceStage.closed(5000), 1000);
      for (const x of [l, stage]) x.close();
    });

    test('an invite reaches a signed-in listener on another node (presence is merged at the home)', async () => {
      const { spaceId, stage } = await liveSpace(at(0));
      const bob = await signUp(at(2), 'bob');
      const l = await TestSocket.open(at(2), `/v1/spaces/${spaceId}/listen`, bob.token);
      await l.waitType('welcome');
      let reply: any;
      for (let i = 0; i < 20; i++) {
        reply = await stage.command({ type: 'invite_to_stage', userId: bob.id });
        if (reply.type === 'ack') break;
        await new Promise((r) => setTimeout(r, 150)); // the node's presence report is on its way
      }
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
      await l.waitType('invited', 5000);
      assert.equal((await l.command({ type: 'accept_invite' })).type, 'ack');
      await l.waitFor((m) => m.type === 'role' && m.role === 'speaker', 5000, 'role');
      for (const x of [l, stage]) x.close();
    });

    test('a banned listener is cut off on its node and refused on every node', async () => {
      const { host, spaceId, stage } = await liveSpace(at(0));
      const carol = await signUp(at(1), 'carol');
      const l = await TestSocket.open(at(1), `/v1/spaces/${spaceId}/listen`, carol.token);
      await l.waitType('welcome');
      let reply: any;
      for (let i = 0; i < 20; i++) {
        reply = await stage.command({ type: 'ban', userId: carol.id });
        if (reply.type === 'ack') break;
        await new Promise((r) => setTimeout(r, 150));
      }
      assert.equal(reply.type, 'ack', JSON.stringify(reply));
      await l.waitFor((m) => m.type === 'removed' && m.reason === 'banned', 5000, 'removed');
      assert.equal(await l.closed(5000), 4403);
      for (let i = 0; i < s.urls.length; i++) {
        const again = await TestSocket.open(at(i), `/v1/spaces/${spaceId}/listen`, carol.token);
        const err = await again.waitType('error');
        assert.equal(err.code, 'banned');
        again.close();
      }
      void host;
      stage.close();
    });

    test('the HTTP tiers (Ogg, LL-HLS) of a Space are served by any node', async () => {
      const { spaceId, stage } = await liveSpace(at(0));
      const media = await api(at(2), 'GET', `/v1/spaces/${spaceId}/media`);
      assert.equal(media.status, 200, JSON.stringify(media.body));
      const ctl = new AbortController();
      const res = await fetch(at(2) + media.body.ogg, {
        signal: ctl.signal,
        headers: { connection: 'close' },
      });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      let got = Buffer.alloc(0);
      while (got.length < 4096) {
        const { value, done } = await reader.read();
        if (done) break;
        got = Buffer.concat([got, Buffer.from(value)]);
      }
      ctl.abort();
      assert.equal(got.subarray(0, 4).toString('latin1'), 'OggS');
      await new Promise((r) => setTimeout(r, 1000)); // let the packager close a few parts
      const playlist = await fetch(at(2) + media.body.hls, { headers: { connection: 'close' } });
      assert.equal(playlist.status, 200);
      assert.match(await playlist.text(), /^#EXTM3U/);
      // end the Space: the Ogg EOS page ends the response (a node shutting down with an Ogg
      // response still open waits for it: see the report on forceCloseConnections)
      assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
      await new Promise((r) => setTimeout(r, 300));
      stage.close();
    });

    test('the host switches recording off and on from any node: the home records, the replay has the gap', async () => {
      const { host, spaceId, stage } = await liveSpace(at(0));
      const listener = await TestSocket.open(at(2), `/v1/spaces/${spaceId}/listen`);
      assert.equal((await listener.waitType('welcome')).snapshot.space.recording, true);
      // a second stage socket of the host, on another node: the command goes to the home
      const remote = await TestSocket.open(at(1), `/v1/spaces/${spaceId}/stage`, host.token);
      await remote.waitType('welcome');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await remote.command({ type: 'set_recording', on: false })).type, 'ack');
      const offAt = Date.now();
      await listener.waitFor(
        (m) => m.type === 'snapshot' && m.snapshot.space.recording === false,
        5000,
        'off',
      );
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await remote.command({ type: 'set_recording', on: true })).type, 'ack');
      const offMs = Date.now() - offAt;
      await listener.waitFor((m) => m.type === 'snapshot' && m.snapshot.space.recording === true, 5000, 'on');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
      await listener.waitType('ended', 5000);
      // one node (the home) holds the recording; the others have none
      const timelines = await Promise.all(
        s.urls.map((u) => api(u, 'GET', `/v1/spaces/${spaceId}/replay/timeline`)),
      );
      const found = timelines.filter((t) => t.status === 200);
      assert.equal(found.length, 1, JSON.stringify(timelines.map((t) => t.status)));
      const gaps = found[0]!.body.gaps as { durationMs: number }[];
      const longest = Math.max(0, ...gaps.map((g) => g.durationMs));
      assert.ok(Math.abs(longest - offMs) <= 300, `gap ${longest} ms for ${offMs} ms off`);
      for (const x of [listener, remote, stage]) x.close();
    });

    test('the end reaches every node: listeners get ended and their sockets close', async () => {
      const { spaceId, stage } = await liveSpace(at(0));
      const a = await TestSocket.open(at(1), `/v1/spaces/${spaceId}/listen`);
      const b = await TestSocket.open(at(2), `/v1/spaces/${spaceId}/listen`);
      await Promise.all([a.waitType('welcome'), b.waitType('welcome')]);
      assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
      await Promise.all([a.waitType('ended', 5000), b.waitType('ended', 5000)]);
      await Promise.all([a.closed(5000), b.closed(5000)]);
      const snap = await api(at(2), 'GET', `/v1/spaces/${spaceId}`);
      assert.equal(snap.body.space.state, 'ended');
      stage.close();
    });
  });
}
