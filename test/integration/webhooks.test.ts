/**
 * Webhooks against a real server and a real HTTP receiver that checks each signature with the
 * standardwebhooks package: the events of a Space's life, retries with one webhook-id, the
 * delivery log, a restart with deliveries still queued, and a host's own endpoint for a Space.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket } from '../helpers/server.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { until } from '../helpers/wait.js';
import type { Config } from '../../src/app/config.js';

const SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;
/** retries in ms, not minutes */
const FAST = { pollMs: 50, retryDelaysMs: [100, 200], timeoutMs: 2_000 };
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** a server whose dispatcher retries in ms */
const fastServer = (overrides: Partial<Config> = {}, dataDir?: string) =>
  startTestServer({ webhookSecret: SECRET, ...overrides }, dataDir, { webhookDispatch: FAST });

async function liveSpace(url: string, token: string, title = 'Launch') {
  const created = await api(url, 'POST', '/v1/spaces', { token, body: { title } });
  assert.equal(created.status, 201);
  const id = created.body.space.id as string;
  const stage = await TestSocket.open(url, `/v1/spaces/${id}/stage`, token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  return { id, stage };
}

void describe('webhooks', () => {
  test("a Space's life reaches the deployment's endpoint as signed events, in order, each once", async () => {
    const rx = await WebhookReceiver.start(SECRET);
    const s = await fastServer({ webhookUrls: rx.url });
    cleanups.push(
      () => rx.stop(),
      () => s.stop(),
    );
    const host = await signUp(s.url, 'host');
    const bob = await signUp(s.url, 'bob');
    const { id, stage } = await liveSpace(s.url, host.token);
    // bob comes on stage and leaves again; a listener's join raises nothing
    const l = await TestSocket.open(s.url, `/v1/spaces/${id}/listen`, bob.token);
    await l.waitType('welcome');
    const anon = await TestSocket.open(s.url, `/v1/spaces/${id}/listen`);
    await anon.waitType('welcome');
    assert.equal((await stage.command({ type: 'invite_to_stage', userId: bob.id })).type, 'ack');
    await l.waitType('invited');
    assert.equal((await l.command({ type: 'accept_invite' })).type, 'ack');
    await until(() => rx.ofType('stage.joined').some((e) => e.data.userId === bob.id), 5_000, 'stage.joined');
    assert.equal((await stage.command({ type: 'move_to_audience', userId: bob.id })).type, 'ack');
    await until(() => rx.ofType('stage.left').length === 1, 5_000, 'stage.left');
    assert.equal((await stage.command({ type: 'ban', userId: bob.id })).type, 'ack');
    assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
    await until(() => rx.ofType('recording.ready').length === 1, 5_000, 'recording.ready');
    await until(() => rx.ofType('user.banned').length === 1, 5_000, 'user.banned');
    for (const sock of [stage, l, anon]) sock.close();

    assert.ok(
      rx.received.every((r) => r.verified),
      'every signature verifies',
    );
    const types = rx.delivered.map((r) => r.type);
    assert.deepEqual(
      types.filter((t) => t.startsWith('space.')),
      ['space.opened', 'space.live', 'space.ended'],
    );
    assert.deepEqual(
      rx.ofType('stage.joined').map((e) => [e.data.userId, e.data.role]),
      [[bob.id, 'speaker']],
    );
    const ended = rx.ofType('space.ended')[0]!;
    assert.equal(ended.data.space.id, id);
    assert.equal(ended.data.space.state, 'ended');
    assert.match(ended.data.space.url, new RegExp(`#/space/${id}$`));
    const ready = rx.ofType('recording.ready')[0]!;
    assert.equal(ready.data.replayUrl, `${s.url}/v1/spaces/${id}/replay/playlist.m3u8`);
    assert.equal(rx.received.length, rx.delivered.length, 'nothing was sent twice');
  });

  test('a failing endpoint is retried with backoff under one webhook-id until it answers 2xx; the log shows it', async () => {
    const rx = await WebhookReceiver.start(SECRET);
    rx.failNext.push(500, 503);
    const s = await fastServer({ webhookUrls: rx.url });
    cleanups.push(
      () => rx.stop(),
      () => s.stop(),
    );
    const host = await signUp(s.url, 'host');
    const created = await api(s.url, 'POST', '/v1/spaces', {
      token: host.token,
      body: { title: 'Later', scheduledFor: Date.now() + 3_600_000 },
    });
    await until(() => rx.ofType('space.scheduled').length === 1, 5_000, 'space.scheduled delivered');
    const tries = rx.received.filter((r) => r.type === 'space.scheduled');
    assert.deepEqual(
      tries.map((r) => r.answered),
      [500, 503, 204],
    );
    assert.equal(new Set(tries.map((r) => r.id)).size, 1, 'one webhook-id across the retries');
    void created;
  });

  test('deliveries still queued when a node stops are sent after it starts again on the same data', async () => {
    const rx = await WebhookReceiver.start(SECRET);
    await rx.stop(); // the endpoint is down: connections are refused
    const s = await fastServer({ webhookUrls: rx.url });
    const host = await signUp(s.url, 'host');
    await api(s.url, 'POST', '/v1/spaces', {
      token: host.token,
      body: { title: 'Queued', scheduledFor: Date.now() + 3_600_000 },
    });
    await until(() => s.rostra.webhooks.dispatcher.stats().retried >= 1, 5_000, 'a refused attempt');
    await s.stop(false);
    await rx.listen();
    const again = await fastServer({ webhookUrls: rx.url }, s.dataDir);
    cleanups.push(
      () => rx.stop(),
      () => again.stop(),
    );
    await until(() => rx.ofType('space.scheduled').length === 1, 5_000, 'delivered after the restart');
    assert.equal(rx.received.length, 1, 'sent once');
  });

  test("a host sets their Space's own endpoint and gets that Space's events, signed with the secret handed out", async () => {
    const rx = await WebhookReceiver.start(SECRET);
    const s = await fastServer({ spaceWebhooks: 'any' });
    cleanups.push(
      () => rx.stop(),
      () => s.stop(),
    );
    const host = await signUp(s.url, 'host');
    const other = await signUp(s.url, 'other');
    const created = await api(s.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Mine' } });
    const id = created.body.space.id as string;
    const path = `/v1/spaces/${id}/webhook`;
    const refused = await api(s.url, 'PUT', path, { token: other.token, body: { url: rx.url } });
    assert.equal(refused.body.error.code, 'forbidden');
    const bad = await api(s.url, 'PUT', path, { token: host.token, body: { url: 'javascript:alert(1)' } });
    assert.equal(bad.body.error.code, 'invalid_field');
    const set = await api(s.url, 'PUT', path, { token: host.token, body: { url: rx.url } });
    assert.equal(set.status, 200);
    assert.match(set.body.webhook.secret, /^whsec_/);
    rx.useSecret(set.body.webhook.secret);
    const shown = await api(s.url, 'GET', path, { token: host.token });
    assert.deepEqual(shown.body.webhook, { url: rx.url, at: set.body.webhook.at });
    // another host's Space does not reach this endpoint
    const elsewhere = await liveSpace(s.url, other.token, 'Not mine');
    const stage = await TestSocket.open(s.url, `/v1/spaces/${id}/stage`, host.token);
    await stage.waitType('welcome');
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    await until(() => rx.ofType('space.live').length === 1, 5_000, 'space.live at the host endpoint');
    assert.equal(rx.ofType('space.live')[0]!.data.space.id, id);
    assert.ok(rx.received.every((r) => r.verified));
    assert.equal((await api(s.url, 'DELETE', path, { token: host.token })).status, 204);
    assert.deepEqual((await api(s.url, 'GET', path, { token: host.token })).body.webhook, null);
    stage.close();
    elsewhere.stage.close();
  });

  test("the deployment's policy decides which URLs hosts may set: https only by default, none when off", async () => {
    const strict = await startTestServer({ stageThread: false });
    const off = await startTestServer({ stageThread: false, spaceWebhooks: 'off' });
    cleanups.push(
      () => strict.stop(),
      () => off.stop(),
    );
    for (const [s, url, code] of [
      [strict, 'http://127.0.0.1:9/hook', 'invalid_field'],
      [off, 'https://hooks.example/x', 'webhooks_disabled'],
    ] as const) {
      const host = await signUp(s.url, 'host');
      const created = await api(s.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'x' } });
      const res = await api(s.url, 'PUT', `/v1/spaces/${created.body.space.id}/webhook`, {
        token: host.token,
        body: { url },
      });
      assert.equal(res.body.error.code, code);
    }
  });
});
