/**
 * Bad input from outside: every route and socket answers malformed, oversized, out-of-order
 * and unauthorized messages with a stable code, keeps running, and changes nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isErrorCode } from '../../src/protocol/errors.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';

let server: TestServer;
let host: { token: string; id: string };
let spaceId: string;
let stage: TestSocket;

before(async () => {
  server = await startTestServer();
  host = await signUp(server.url, 'host');
  spaceId = (await api(server.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Fuzzed' } }))
    .body.space.id;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
});
after(async () => {
  stage.close();
  await server.stop();
});

const snapshot = async () => (await api(server.url, 'GET', `/v1/spaces/${spaceId}`)).body;
const strip = (s: any) => ({ space: s.space, stage: s.stage });

test('malformed JSON bodies on every JSON route get bad_request and change nothing', async () => {
  const before = strip(await snapshot());
  const routes: [string, string][] = [
    ['POST', '/v1/accounts'],
    ['POST', '/v1/sessions'],
    ['POST', '/v1/spaces'],
    ['POST', `/v1/spaces/${spaceId}/actions`],
  ];
  for (const [method, path] of routes) {
    for (const raw of ['{', 'null', '[]', '"x"', '{"type":', '\u0000']) {
      const res = await api(server.url, method, path, { token: host.token, raw });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} ${raw} -> ${res.status}`);
      assert.ok(isErrorCode(res.body?.error?.code), `${method} ${path} ${raw}: ${JSON.stringify(res.body)}`);
    }
  }
  assert.deepEqual(strip(await snapshot()), before);
});

test('oversized bodies get payload_too_large', async () => {
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    raw: JSON.stringify({ title: 'x'.repeat(64 * 1024) }),
  });
  assert.equal(res.status, 413);
  assert.equal(res.body.error.code, 'payload_too_large');
  const sdp = await api(server.url, 'POST', `/v1/spaces/${spaceId}/whip`, {
    token: host.token,
    raw: 'v=0\r\n' + 'a=x\r\n'.repeat(30_000),
    contentType: 'application/sdp',
  });
  assert.equal(sdp.body.error.code, 'payload_too_large');
});

test('WHIP refuses a wrong content type, a non-SDP body and a listener', async () => {
  const json = await api(server.url, 'POST', `/v1/spaces/${spaceId}/whip`, {
    token: host.token,
    body: { sdp: 'v=0' },
  });
  assert.equal(json.body.error.code, 'unsupported_media_type');
  const junk = await api(server.url, 'POST', `/v1/spaces/${spaceId}/whip`, {
    token: host.token,
    raw: 'hello',
    contentType: 'application/sdp',
  });
  assert.equal(junk.body.error.code, 'bad_request');
  const listener = await signUp(server.url, 'lis');
  const notOnStage = await api(server.url, 'POST', `/v1/spaces/${spaceId}/whip`, {
    token: listener.token,
    raw: 'v=0\r\n',
    contentType: 'application/sdp',
  });
  assert.equal(notOnStage.body.error.code, 'not_on_stage');
  const gone = await api(server.url, 'DELETE', `/v1/spaces/${spaceId}/whip/nosuchsession`, {
    token: host.token,
  });
  assert.equal(gone.body.error.code, 'session_not_found');
});

test('unknown routes, unknown Spaces and bad ids get not_found codes', async () => {
  assert.equal((await api(server.url, 'GET', '/v1/nothing')).body.error.code, 'not_found');
  assert.equal((await api(server.url, 'GET', '/v1/spaces/doesnotexist')).body.error.code, 'space_not_found');
  assert.equal((await api(server.url, 'GET', '/v1/spaces/bad%20id!')).body.error.code, 'space_not_found');
  const sock = await TestSocket.open(server.url, '/v1/spaces/doesnotexist/listen');
  assert.equal(await sock.closed(), 4404);
});

test('out-of-order commands are refused with a code: approving nobody, ending twice is final', async () => {
  const nobody = await stage.command({ type: 'approve_request', userId: 'nobodyasked' });
  assert.equal(nobody.type, 'error');
  assert.ok(isErrorCode(nobody.code));
  const other = (await api(server.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Short' } }))
    .body.space.id;
  await api(server.url, 'POST', `/v1/spaces/${other}/actions`, {
    token: host.token,
    body: { type: 'end_space' },
  });
  const again = await api(server.url, 'POST', `/v1/spaces/${other}/actions`, {
    token: host.token,
    body: { type: 'go_live' },
  });
  assert.ok(['invalid_transition', 'space_ended'].includes(again.body.error.code), again.body.error.code);
  assert.equal((await snapshot()).space.state, 'backstage');
});

test('fuzzed stage-socket messages are refused with codes; the room and server survive', async () => {
  const before = strip(await snapshot());
  const junk = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.record({
      type: fc.constantFrom('mute', 'ban', 'transfer_host', 'go_live_', 'react'),
      userId: fc.string({ maxLength: 80 }),
      emoji: fc.string(),
    }),
  );
  const samples = fc.sample(junk, { numRuns: 150, seed: 42 });
  const socket = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await socket.waitType('welcome');
  let sent = 0;
  for (const s of samples) {
    if (typeof s === 'string' && s.includes('"type":"go_live"')) continue;
    socket.ws.send(typeof s === 'string' ? s : JSON.stringify(s));
    sent++;
    if (sent % 35 === 0) await new Promise((r) => setTimeout(r, 1800)); // stay under the socket rate limit (20/s, burst 40)
  }
  await new Promise((r) => setTimeout(r, 500));
  const errors = socket.messages.filter((m) => m.type === 'error');
  assert.ok(errors.length > 0);
  for (const e of errors) assert.ok(isErrorCode(e.code), JSON.stringify(e));
  assert.deepEqual(strip(await snapshot()), before, 'no fuzzed message changed the room');
  assert.equal((await api(server.url, 'GET', '/healthz')).status, 200);
  socket.close();
});

test('a flood on one socket is rate-limited with too_many_requests', async () => {
  const socket = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/listen`);
  await socket.waitType('welcome');
  for (let i = 0; i < 100; i++) socket.ws.send(JSON.stringify({ type: 'ping' }));
  await socket.waitFor((m) => m.type === 'error' && m.code === 'too_many_requests');
  socket.close();
});

test('binary and oversized socket messages are refused', async () => {
  const socket = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/listen`);
  await socket.waitType('welcome');
  socket.ws.send(Buffer.from([1, 2, 3]));
  await socket.waitFor((m) => m.type === 'error' && m.code === 'bad_request');
  socket.ws.send('x'.repeat(10_000));
  assert.equal(await socket.closed(), 1009, 'ws closes a message over maxPayload with 1009');
});

test('/healthz and /metrics answer', async () => {
  const health = await api(server.url, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.body.ok, true);
  const metrics = await api(server.url, 'GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(String(metrics.body), /rostra_rooms \d+/);
  assert.match(String(metrics.body), /rostra_listeners \d+/);
  assert.match(String(metrics.body), /rostra_mixer_frames_total/);
  assert.match(String(metrics.body), /rostra_admission_waiting \d+/);
  assert.match(String(metrics.body), /rostra_ogg_listeners \d+/);
});
