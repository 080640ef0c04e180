/**
 * The routes a host uses outside the stage socket, against a real server: a handle resolves
 * to its account (unknown handles are user_not_found), a scheduled Space is edited and then
 * cancelled, /access tells a banned person they cannot join, and the listener list pages,
 * searches and is refused to people who do not moderate.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

let server: TestServer;
const sockets: TestSocket[] = [];

before(async () => {
  server = await startTestServer();
});
after(async () => {
  for (const s of sockets) s.ws.close();
  await server?.stop();
});

void test('a handle resolves to its public id; unknown or malformed handles are user_not_found', async () => {
  const alice = await signUp(server.url, 'alice');
  const found = await api(server.url, 'GET', `/v1/users/@${alice.handle.toUpperCase()}`);
  assert.equal(found.status, 200);
  assert.deepEqual(found.body, { user: { id: alice.id, handle: alice.handle } });
  for (const h of ['nobody_here_at_all', 'x', 'bad%20handle']) {
    const r = await api(server.url, 'GET', `/v1/users/${h}`);
    assert.equal(r.status, 404, h);
    assert.equal(r.body.error.code, 'user_not_found');
  }
});

void test('the host edits a scheduled Space; others, bad fields and non-scheduled Spaces are refused', async () => {
  const host = await signUp(server.url, 'host');
  const other = await signUp(server.url, 'other');
  const at = Date.now() + 3_600_000;
  const created = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Before', scheduledFor: at },
  });
  const id = created.body.space.id as string;
  const later = at + 1_800_000;
  const edited = await api(server.url, 'PATCH', `/v1/spaces/${id}`, {
    token: host.token,
    body: { title: 'After', description: 'new words', scheduledFor: later },
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.space.title, 'After');
  assert.equal(edited.body.space.scheduledFor, later);
  const read = await api(server.url, 'GET', `/v1/spaces/${id}`);
  assert.equal(read.body.space.description, 'new words');

  const refusals: [string | undefined, unknown, number, string][] = [
    [other.token, { title: 'Mine now' }, 403, 'forbidden'],
    [undefined, { title: 'x' }, 401, 'unauthenticated'],
    [host.token, {}, 400, 'invalid_field'],
    [host.token, { title: '' }, 400, 'invalid_field'],
    [host.token, { scheduledFor: Date.now() - 1000 }, 400, 'invalid_field'],
    [host.token, { state: 'live' }, 400, 'invalid_field'],
  ];
  for (const [token, body, status, code] of refusals) {
    const r = await api(server.url, 'PATCH', `/v1/spaces/${id}`, { token, body });
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.body.error.code, code);
  }
  assert.equal((await api(server.url, 'GET', `/v1/spaces/${id}`)).body.space.title, 'After');

  // cancelling is the end_space action; an ended Space cannot be edited
  const cancel = await api(server.url, 'POST', `/v1/spaces/${id}/actions`, {
    token: host.token,
    body: { type: 'end_space' },
  });
  assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
  const gone = await api(server.url, 'GET', `/v1/spaces/${id}`);
  assert.equal(gone.body.space.state, 'ended');
  assert.equal(gone.body.space.startedAt, null);
  const late = await api(server.url, 'PATCH', `/v1/spaces/${id}`, {
    token: host.token,
    body: { title: 'x' },
  });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, 'space_not_scheduled');
  const past = await api(server.url, 'GET', '/v1/spaces?state=ended');
  assert.ok(
    past.body.spaces.some((s: { id: string }) => s.id === id),
    'listed as past',
  );
});

void test('the listener list pages and searches the signed-in listeners; only moderators see it', async () => {
  const host = await signUp(server.url, 'lhost');
  const created = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Crowd' },
  });
  const id = created.body.space.id as string;
  await api(server.url, 'POST', `/v1/spaces/${id}/actions`, { token: host.token, body: { type: 'go_live' } });
  const fans = [];
  for (let i = 0; i < 5; i++) fans.push(await signUp(server.url, i < 2 ? 'zed' : 'fan'));
  for (const f of fans) {
    const s = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`, f.token);
    sockets.push(s);
    await s.waitType('welcome');
  }
  const anon = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`);
  sockets.push(anon);
  await anon.waitType('welcome');

  const list = (q: string) => api(server.url, 'GET', `/v1/spaces/${id}/listeners${q}`, { token: host.token });
  const first = await list('?limit=3');
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.listeners.length, 3);
  assert.equal(first.body.named, 5);
  assert.equal(first.body.anonymous, 1);
  assert.equal(first.body.next, 3);
  const second = await list(`?limit=3&cursor=${first.body.next}`);
  assert.equal(second.body.listeners.length, 2);
  assert.equal(second.body.next, null);
  const all = [...first.body.listeners, ...second.body.listeners].map((l: { handle: string }) => l.handle);
  assert.deepEqual(all.sort(), fans.map((f) => f.handle).sort());

  const zed = await list('?q=@ZED');
  assert.deepEqual(
    zed.body.listeners.map((l: { userId: string }) => l.userId).sort(),
    fans
      .slice(0, 2)
      .map((f) => f.id)
      .sort(),
  );

  // a listener the host found in the list can be removed (they were never on stage)
  const target = fans[4]!;
  const removed = await api(server.url, 'POST', `/v1/spaces/${id}/actions`, {
    token: host.token,
    body: { type: 'remove', userId: target.id },
  });
  assert.equal(removed.status, 200, JSON.stringify(removed.body));
  await until(async () => (await list('')).body.named === 4, 5_000, 'the removed listener left the list');

  const fan = fans[0]!;
  const refused = await api(server.url, 'GET', `/v1/spaces/${id}/listeners`, { token: fan.token });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'forbidden');
  for (const q of ['?limit=0', '?limit=51', '?cursor=-1', '?q=no%20spaces', `?q=${'a'.repeat(40)}`]) {
    const r = await list(q);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'invalid_field');
  }
});

void test('/access answers whether the caller may join: banned and sign-in-only are refusals, not errors', async () => {
  const host = await signUp(server.url, 'ahost');
  const fan = await signUp(server.url, 'afan');
  const created = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Door', allowAnonymous: false },
  });
  const id = created.body.space.id as string;
  await api(server.url, 'POST', `/v1/spaces/${id}/actions`, { token: host.token, body: { type: 'go_live' } });
  assert.deepEqual((await api(server.url, 'GET', `/v1/spaces/${id}/access`, { token: fan.token })).body, {
    allowed: true,
  });
  assert.deepEqual((await api(server.url, 'GET', `/v1/spaces/${id}/access`)).body, {
    allowed: false,
    code: 'anonymous_not_allowed',
  });
  const s = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`, fan.token);
  sockets.push(s);
  await s.waitType('welcome');
  const ban = await api(server.url, 'POST', `/v1/spaces/${id}/actions`, {
    token: host.token,
    body: { type: 'ban', userId: fan.id },
  });
  assert.equal(ban.status, 200, JSON.stringify(ban.body));
  const access = await api(server.url, 'GET', `/v1/spaces/${id}/access`, { token: fan.token });
  assert.equal(access.status, 200);
  assert.deepEqual(access.body, { allowed: false, code: 'banned' });
  assert.equal(
    (await api(server.url, 'GET', '/v1/spaces/nosuchspace/access')).body.error.code,
    'space_not_found',
  );
});
