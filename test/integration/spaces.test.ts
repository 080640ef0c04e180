import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ hostGraceMs: 300 });
});
after(async () => {
  await server.stop();
});

async function newSpace(token: string, extra: object = {}) {
  const res = await api(server.url, 'POST', '/v1/spaces', { token, body: { title: 'Town hall', ...extra } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.space;
}

test('a signed-in person creates a Space and is its host, backstage', async () => {
  const host = await signUp(server.url, 'host');
  const space = await newSpace(host.token);
  assert.equal(space.state, 'backstage');
  assert.equal(space.hostId, host.id);
  const snap = await api(server.url, 'GET', `/v1/spaces/${space.id}`);
  assert.equal(snap.status, 200);
  assert.equal(snap.body.space.id, space.id);
  assert.ok(snap.body.stage.some((m: any) => m.userId === host.id && m.role === 'host'));
  assert.match(snap.headers.get('cache-control') ?? '', /max-age=\d/);
});

test('creating a Space needs a token and a valid body', async () => {
  assert.equal(
    (await api(server.url, 'POST', '/v1/spaces', { body: { title: 'x' } })).body.error.code,
    'unauthenticated',
  );
  const host = await signUp(server.url, 'host');
  for (const body of [
    {},
    { title: '' },
    { title: 'x'.repeat(500) },
    { title: 'ok', scheduledFor: 'tomorrow' },
  ]) {
    const res = await api(server.url, 'POST', '/v1/spaces', { token: host.token, body });
    assert.equal(res.body.error.code, 'invalid_field', JSON.stringify(body));
  }
  const late = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'too far', scheduledFor: Date.now() + 15 * 24 * 3600 * 1000 },
  });
  assert.equal(late.status, 400);
  const past = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'past', scheduledFor: Date.now() - 1000 },
  });
  assert.equal(past.status, 400);
});

test('a scheduled Space collects reminders, shows in the lobby and opens backstage', async () => {
  const host = await signUp(server.url, 'host');
  const fan = await signUp(server.url, 'fan');
  const space = await newSpace(host.token, { scheduledFor: Date.now() + 3600_000 });
  assert.equal(space.state, 'scheduled');
  assert.equal(
    (await api(server.url, 'PUT', `/v1/spaces/${space.id}/reminder`, { token: fan.token })).body
      .reminderCount,
    1,
  );
  assert.equal(
    (await api(server.url, 'PUT', `/v1/spaces/${space.id}/reminder`, { token: fan.token })).body
      .reminderCount,
    1,
  );
  const lobby = await api(server.url, 'GET', '/v1/spaces?state=scheduled');
  assert.ok(lobby.body.spaces.some((s: any) => s.id === space.id && s.reminderCount === 1));
  const byFan = await api(server.url, 'POST', `/v1/spaces/${space.id}/open`, { token: fan.token });
  assert.equal(byFan.body.error.code, 'forbidden');
  const opened = await api(server.url, 'POST', `/v1/spaces/${space.id}/open`, { token: host.token });
  assert.equal(opened.status, 200);
  assert.equal(opened.body.space.state, 'backstage');
  const remind = await api(server.url, 'PUT', `/v1/spaces/${space.id}/reminder`, { token: fan.token });
  assert.equal(remind.body.error.code, 'space_not_scheduled');
});

test('the whole room over WebSockets: go live, ask to speak, approve, mute, react, end', async () => {
  const host = await signUp(server.url, 'host');
  const alice = await signUp(server.url, 'alice');
  const space = await newSpace(host.token);
  const stage = await TestSocket.open(server.url, `/v1/spaces/${space.id}/stage`, host.token);
  const welcome = await stage.waitType('welcome');
  assert.equal(welcome.you.role, 'host');

  const listener = await TestSocket.open(server.url, `/v1/spaces/${space.id}/listen`, alice.token);
  await listener.waitType('welcome');

  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  await listener.waitFor((m) => m.type === 'snapshot' && m.snapshot.space.state === 'live');

  assert.equal((await listener.command({ type: 'raise_hand' })).type, 'ack');
  const requests = await stage.waitFor((m) => m.type === 'requests' && m.requests.length === 1);
  assert.equal(requests.requests[0].userId, alice.id);

  assert.equal((await stage.command({ type: 'approve_request', userId: alice.id })).type, 'ack');
  await listener.waitFor((m) => m.type === 'role' && m.role === 'speaker');
  const aliceStage = await TestSocket.open(server.url, `/v1/spaces/${space.id}/stage`, alice.token);
  await aliceStage.waitType('welcome');

  assert.equal((await stage.command({ type: 'mute', userId: alice.id })).type, 'ack');
  await stage.waitFor(
    (m) => m.type === 'snapshot' && m.snapshot.stage.some((s: any) => s.userId === alice.id && s.muted),
  );
  const hostUnmutesAlice = await api(server.url, 'POST', `/v1/spaces/${space.id}/actions`, {
    token: host.token,
    body: { type: 'unmute' },
  });
  assert.equal(hostUnmutesAlice.status, 200, 'unmute acts on the caller only');
  assert.equal((await aliceStage.command({ type: 'unmute' })).type, 'ack');

  assert.equal((await listener.command({ type: 'react', emoji: '👏' })).type, 'ack');
  const reactions = await stage.waitType('reactions', 3000);
  assert.equal(reactions.counts['👏'], 1);

  assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
  await listener.waitType('ended');
  await aliceStage.waitType('ended');
  const after = await api(server.url, 'GET', `/v1/spaces/${space.id}`);
  assert.equal(after.body.space.state, 'ended');
  for (const s of [stage, listener, aliceStage]) s.close();
});

test('a listener cannot moderate, and a banned person cannot come back with a new token', async () => {
  const host = await signUp(server.url, 'host');
  const bob = await signUp(server.url, 'bob');
  const space = await newSpace(host.token);
  const stage = await TestSocket.open(server.url, `/v1/spaces/${space.id}/stage`, host.token);
  await stage.waitType('welcome');
  await stage.command({ type: 'go_live' });

  const bobStage = await TestSocket.open(server.url, `/v1/spaces/${space.id}/stage`, bob.token);
  assert.equal(await bobStage.closed(), 4409, 'a listener cannot open the stage socket');
  const bobActs = await api(server.url, 'POST', `/v1/spaces/${space.id}/actions`, {
    token: bob.token,
    body: { type: 'mute', userId: host.id },
  });
  assert.equal(bobActs.body.error.code, 'forbidden');

  const bobListen = await TestSocket.open(server.url, `/v1/spaces/${space.id}/listen`, bob.token);
  await bobListen.waitType('welcome');
  assert.equal((await stage.command({ type: 'ban', userId: bob.id })).type, 'ack');
  assert.equal(await bobListen.closed(), 4403);

  const again = await api(server.url, 'POST', '/v1/sessions', {
    body: { handle: bob.handle, password: 'correct horse battery' },
  });
  const back = await TestSocket.open(server.url, `/v1/spaces/${space.id}/listen`, again.body.token);
  assert.equal(await back.closed(), 4403);
  assert.ok(back.messages.some((m) => m.type === 'error' && m.code === 'banned'));
  stage.close();
});

test('anonymous listening follows the Space setting', async () => {
  const host = await signUp(server.url, 'host');
  const open = await newSpace(host.token, { allowAnonymous: true });
  const closed = await newSpace(host.token, { allowAnonymous: false });
  const anon = await TestSocket.open(server.url, `/v1/spaces/${open.id}/listen`);
  await anon.waitType('welcome');
  const refused = await TestSocket.open(server.url, `/v1/spaces/${closed.id}/listen`);
  assert.equal(await refused.closed(), 4403);
  assert.ok(refused.messages.some((m) => m.code === 'anonymous_not_allowed'));
  anon.close();
});

test('listener joins move counts, never broadcast one by one', async () => {
  const host = await signUp(server.url, 'host');
  const space = await newSpace(host.token);
  const stage = await TestSocket.open(server.url, `/v1/spaces/${space.id}/stage`, host.token);
  await stage.waitType('welcome');
  await stage.command({ type: 'go_live' });
  const listeners = await Promise.all(
    Array.from({ length: 20 }, () => TestSocket.open(server.url, `/v1/spaces/${space.id}/listen`)),
  );
  await Promise.all(listeners.map((l) => l.waitType('welcome')));
  const counts = await stage.waitFor((m) => m.type === 'counts' && m.counts.listeningNow === 20, 4000);
  assert.equal(counts.counts.totalJoined, 20);
  const countMessages = stage.messages.filter((m) => m.type === 'counts').length;
  assert.ok(countMessages < 5, `counts are windowed, got ${countMessages} messages for 20 joins`);
  for (const l of listeners) l.close();
  await stage.waitFor((m) => m.type === 'counts' && m.counts.listeningNow === 0, 4000);
  stage.close();
});

test('a restart loses no Space, account or ban', async () => {
  const local = await startTestServer();
  const host = await signUp(local.url, 'host');
  const bob = await signUp(local.url, 'bob');
  const space = (
    await api(local.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Durable' } })
  ).body.space;
  await api(local.url, 'POST', `/v1/spaces/${space.id}/actions`, {
    token: host.token,
    body: { type: 'ban', userId: bob.id },
  });
  const dir = local.dataDir;
  await local.stop(false);
  const again = await startTestServer({}, dir);
  try {
    const snap = await api(again.url, 'GET', `/v1/spaces/${space.id}`);
    assert.equal(snap.body.space.title, 'Durable');
    const me = await api(again.url, 'GET', '/v1/me', { token: host.token });
    assert.equal(me.status, 200, 'tokens survive a restart (persisted secret)');
    const bobListen = await TestSocket.open(again.url, `/v1/spaces/${space.id}/listen`, bob.token);
    assert.equal(await bobListen.closed(), 4403);
  } finally {
    await again.stop();
  }
});
