/**
 * Restream out over RTMP into a real nginx-rtmp (Debian's libnginx-mod-rtmp): a werift speaker
 * publishes a 440 Hz tone, the host starts a restream of the Space, and ffmpeg playing the
 * RTMP stream back from nginx hears the tone, with a still picture as video or audio only.
 * ffmpeg is supervised: started towards a port where no ingest listens yet, it fails, retries
 * with backoff and goes live once nginx is up; it stops when the Space ends.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runFfmpeg } from '../../src/audience/ogg/testkit.js';
import type { RestreamStatus } from '../../src/protocol/restream.js';
import { strongestTone } from '../helpers/audio-goertzel.js';
import { freePort } from '../helpers/nginx-edge.js';
import { startNginxRtmp, type NginxRtmp } from '../helpers/nginx-rtmp.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { sleep, until as poll } from '../helpers/wait.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';

let server: TestServer;
let stage: TestSocket;
let speaker: WeriftSpeaker | null = null;
let rtmp: NginxRtmp | null = null;
let host: { token: string };
let spaceId: string;

before(async () => {
  server = await startTestServer({});
  host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Restream', allowAnonymous: true },
  });
  spaceId = res.body.space.id as string;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  speaker = await publishTone(server.url, spaceId, host.token, {
    hz: 440,
    attemptMs: 20_000,
    withinMs: 60_000,
  });
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
});

after(async () => {
  await speaker?.close();
  stage?.close();
  await server?.stop();
  await rtmp?.stop();
});

const restream = (method: string, body?: unknown, token = host.token) =>
  api<{ restream: RestreamStatus | null; stopped?: boolean }>(
    server.url,
    method,
    `/v1/spaces/${spaceId}/restream`,
    {
      token,
      body,
    },
  );

async function until(state: string, ms = 60_000): Promise<RestreamStatus> {
  let last: RestreamStatus | null = null;
  const label = { toString: () => `restream ${state} (last: ${JSON.stringify(last)})` };
  await poll(
    async () => {
      await sleep(200);
      last = (await restream('GET')).body.restream;
      return last?.state === state;
    },
    ms,
    label as unknown as string,
  );
  return last!;
}

/** plays the RTMP stream back from nginx for 3 s: the 440 Hz level and what ffprobe-style info ffmpeg printed */
async function playBack(key: string): Promise<{ tone: number; off: number; stderr: string }> {
  const r = await runFfmpeg(
    ['-i', rtmp!.url(key), '-t', '3', '-map', '0:a', '-f', 's16le', '-ac', '1', '-ar', '48000', '-'],
    40_000,
  );
  assert.equal(r.code, 0, r.stderr);
  return { ...strongestTone(r.stdout), stderr: r.stderr };
}

test('a restream that cannot reach its ingest retries with backoff, then goes live and carries the tone with a picture', async () => {
  const port = await freePort();
  const key = 'secret-key-1';
  const started = await restream('POST', { url: `rtmp://127.0.0.1:${port}/live/${key}`, video: 'color' });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  // the stream key is the secret part of the URL: never shown back
  assert.equal(started.body.restream?.target, `rtmp://127.0.0.1:${port}/live/…`);
  const retrying = await until('retrying');
  assert.ok(retrying.lastError, 'says why ffmpeg exited');
  assert.ok(!JSON.stringify(retrying).includes(key));
  rtmp = await startNginxRtmp(port);
  const live = await until('live');
  assert.ok(live.restarts >= 1, `restarts ${live.restarts}`);
  const heard = await playBack(key);
  console.log(`restream with picture: 440 Hz ${heard.tone.toFixed(0)}, 1 kHz ${heard.off.toFixed(0)}`);
  assert.ok(heard.tone > 1000, `440 Hz level ${heard.tone}`);
  assert.ok(heard.off < heard.tone / 10, `1 kHz level ${heard.off}`);
  assert.match(heard.stderr, /Video: h264/);
  assert.match(heard.stderr, /Audio: aac/);
});

test('an audio-only restream replaces the running one and carries no video', async () => {
  const key = 'secret-key-2';
  const started = await restream('POST', { url: rtmp!.url(key), video: 'none' });
  assert.equal(started.status, 201);
  await until('live');
  const heard = await playBack(key);
  console.log(`restream audio only: 440 Hz ${heard.tone.toFixed(0)}, 1 kHz ${heard.off.toFixed(0)}`);
  assert.ok(heard.tone > 1000, `440 Hz level ${heard.tone}`);
  assert.doesNotMatch(heard.stderr, /Video:/);
});

test('only the host or a co-host may restream, and a bad URL changes nothing', async () => {
  const listener = await signUp(server.url, 'listener');
  const denied = await restream('POST', { url: rtmp!.url('x') }, listener.token);
  assert.equal(denied.status, 403);
  for (const url of ['http://example.org/live/x', 'rtmp://', 'rtmp://host-only', 'x'.repeat(2000)]) {
    const bad = await restream('POST', { url });
    assert.equal(bad.status, 400, url);
  }
  assert.equal((await restream('GET')).body.restream?.state, 'live');
});

test('the restream ends with the Space', async () => {
  assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
  const ended = await until('ended', 30_000);
  assert.equal(ended.video, 'none');
});
