/**
 * hls.js (low-latency mode) in real Chromium plays a live Space THROUGH THE SERVER: the page
 * comes from another origin (CORS on media), the playlist from the signed URL of
 * GET /v1/spaces/:id/media, a werift speaker publishes a 440 Hz tone over WHIP, and a WebAudio
 * analyser hears it. Latency is reported two ways: hls.js's own estimate (behind the playlist's
 * live edge) and wall clock minus the PROGRAM-DATE-TIME of what is playing (behind the mixer).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser } from 'playwright-core';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { launchChromium } from '../helpers/browser.js';
import {
  assertBehindLive,
  listenUntilHeard,
  servePlayerPages,
  type PlayerPages,
} from '../helpers/hls-player-page.js';

let server: TestServer;
let pages: PlayerPages;
let playlistUrl: string;
let browser: Browser;
let stage: TestSocket;
let speaker: WeriftSpeaker | null = null;

before(async () => {
  server = await startTestServer({});
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'hls.js', allowAnonymous: true },
  });
  const spaceId = res.body.space.id as string;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  speaker = await publishTone(server.url, spaceId, host.token, { hz: 440 });
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
  const { hls } = (await api(server.url, 'GET', `/v1/spaces/${spaceId}/media`)).body as { hls: string };
  // wait (blocking reload) until the first segment is complete so hls.js finds a playlist
  const first = await fetch(`${server.url}${hls}?_HLS_msn=1`);
  assert.equal(first.status, 200, await first.text());
  // the page is served from ANOTHER origin: media requests are cross-origin (CORS)
  pages = await servePlayerPages();
  playlistUrl = server.url + hls;
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  await speaker?.close();
  stage?.close();
  await pages?.close();
  await server?.stop();
});

test('hls.js in Chromium plays a live Space from the signed URL, cross-origin, and hears the speaker', async () => {
  const tab = await browser.newPage();
  await tab.goto(pages.url('hlsjs', playlistUrl));
  const { probe, played, started } = await listenUntilHeard(tab, { playS: 4, timeoutMs: 20_000 });
  assert.ok(started, `playback started (errors: ${probe.errors.join(', ')})`);
  assert.ok(played > 4, `played ${played} s (errors: ${probe.errors.join(', ')})`);
  assert.ok(Math.abs(probe.peakHz - 440) < 12, `spectral peak at ${probe.peakHz} Hz`);
  assert.ok(probe.requests.includes('blocking'), 'blocking playlist reloads');
  assert.ok(probe.requests.includes('part'), 'part requests');
  console.log(
    `hls.js through the server: latency ${probe.latency.toFixed(2)} s behind the live edge, ` +
      `${probe.behindMixer?.toFixed(2)} s behind the mixer (wall clock - PROGRAM-DATE-TIME), ` +
      `errors [${probe.errors.join(', ')}]`,
  );
  assertBehindLive(probe);
  assert.deepEqual(probe.errors, []);
});
