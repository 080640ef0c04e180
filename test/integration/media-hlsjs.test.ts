/**
 * hls.js (low-latency mode) in real Chromium plays a live Space THROUGH THE SERVER: the page
 * comes from another origin (CORS on media), the playlist from the signed URL of
 * GET /v1/spaces/:id/media, a werift speaker publishes a 440 Hz tone over WHIP, and a WebAudio
 * analyser hears it. Latency is reported two ways: hls.js's own estimate (behind the playlist's
 * live edge) and wall clock minus the PROGRAM-DATE-TIME of what is playing (behind the mixer).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser } from 'playwright-core';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { launchChromium } from '../helpers/browser.js';

const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));

const page = (src: string): string => `<!doctype html><meta charset="utf-8"><audio id="a"></audio>
<script src="/hls.min.js"></script>
<script>
  const audio = document.getElementById('a');
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192;
  ctx.createMediaElementSource(audio).connect(analyser);
  analyser.connect(ctx.destination);
  const hls = new Hls({ lowLatencyMode: true });
  window.requests = [];
  hls.on(Hls.Events.FRAG_LOADING, (_e, d) => window.requests.push(d.part ? 'part' : 'frag'));
  hls.on(Hls.Events.LEVEL_LOADING, (_e, d) => window.requests.push(d.url.includes('_HLS_msn') ? 'blocking' : 'playlist'));
  window.state = { errors: [] };
  hls.on(Hls.Events.ERROR, (_e, d) => window.state.errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
  hls.loadSource(${JSON.stringify(src)});
  hls.attachMedia(audio);
  hls.on(Hls.Events.MANIFEST_PARSED, () => audio.play().catch((e) => window.state.errors.push(String(e))));
  window.probe = () => {
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let peak = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
    const playing = hls.playingDate ? hls.playingDate.getTime() : null;
    return { currentTime: audio.currentTime, peakHz: (peak * ctx.sampleRate) / analyser.fftSize,
      latency: hls.latency, behindMixer: playing === null ? null : (Date.now() - playing) / 1000,
      errors: window.state.errors, requests: window.requests };
  };
</script>`;

type Probe = {
  currentTime: number;
  peakHz: number;
  latency: number;
  behindMixer: number | null;
  errors: string[];
  requests: string[];
};

let server: TestServer;
let pages: Server;
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
  const html = page(server.url + hls);
  pages = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    if (req.url === '/hls.min.js')
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  await speaker?.close();
  stage?.close();
  await new Promise<void>((r) => (pages ? pages.close(() => r()) : r()));
  await server?.stop();
});

test('hls.js in Chromium plays a live Space from the signed URL, cross-origin, and hears the speaker', async () => {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${(pages.address() as AddressInfo).port}/`);
  let probe: Probe | undefined;
  let startedAt: number | undefined;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    probe = await tab.evaluate(() => (globalThis as unknown as { probe: () => Probe }).probe());
    if (startedAt === undefined && probe.currentTime > 0) startedAt = probe.currentTime;
    if (startedAt !== undefined && probe.currentTime - startedAt > 4 && Math.abs(probe.peakHz - 440) < 12)
      break;
  }
  assert.ok(probe && startedAt !== undefined, `playback started (errors: ${probe?.errors.join(', ')})`);
  const played = probe.currentTime - startedAt;
  assert.ok(played > 4, `played ${played} s (errors: ${probe.errors.join(', ')})`);
  assert.ok(Math.abs(probe.peakHz - 440) < 12, `spectral peak at ${probe.peakHz} Hz`);
  assert.ok(probe.requests.includes('blocking'), 'blocking playlist reloads');
  assert.ok(probe.requests.includes('part'), 'part requests');
  console.log(
    `hls.js through the server: latency ${probe.latency.toFixed(2)} s behind the live edge, ` +
      `${probe.behindMixer?.toFixed(2)} s behind the mixer (wall clock - PROGRAM-DATE-TIME), ` +
      `errors [${probe.errors.join(', ')}]`,
  );
  assert.ok(probe.latency < 3, `live latency ${probe.latency} s`);
  assert.deepEqual(probe.errors, []);
});
