/**
 * Backstage is a private mic check (docs/security.md): while the host talks backstage, a
 * listener who came early hears nothing on any tier and no media URL is handed out; the
 * moment the Space goes live the mix reaches them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { sleep, until } from '../helpers/wait.js';

let server: TestServer | null = null;
let speaker: WeriftSpeaker | null = null;
after(async () => {
  await speaker?.close();
  await server?.stop();
});

test('a hot mic backstage reaches no listener and no media URL; going live starts the audio', async () => {
  server = await startTestServer();
  const host = await signUp(server.url, 'host');
  const space = (
    await api(server.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Mic check' } })
  ).body.space.id as string;
  const stage = await TestSocket.open(server.url, `/v1/spaces/${space}/stage`, host.token);
  await stage.waitType('welcome');
  speaker = await publishTone(server.url, space, host.token, { hz: 440 });
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
  // the mixer runs backstage for the mic check: the host's level shows on the stage socket
  await stage.waitFor((m) => m.type === 'levels' && (m.levels[host.id] ?? 0) > 0, 10_000, 'the host heard');

  const early = await TestSocket.open(server.url, `/v1/spaces/${space}/listen`);
  const welcome = await early.waitType('welcome');
  assert.equal(welcome.snapshot.space.state, 'backstage', 'the listener sees it is not live yet');
  const media = await api(server.url, 'GET', `/v1/spaces/${space}/media`);
  assert.equal(media.status, 409);
  assert.equal(media.body.error.code, 'space_not_live');
  await sleep(2_000);
  assert.equal(early.binary.length, 0, `backstage audio reached a listener: ${early.binary.length} batches`);

  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  await until(() => early.binary.length > 0, 10_000, 'audio once live');
  assert.equal((await api(server.url, 'GET', `/v1/spaces/${space}/media`)).status, 200);
  early.close();
  stage.close();
});
