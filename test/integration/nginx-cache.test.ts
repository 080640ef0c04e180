/**
 * deploy/nginx/rostra-cache.conf in front of a real Rostra server (in this process) with a
 * live Space (the mixer sends silence, enough to package). Simulated LL-HLS listeners go
 * through nginx; origin requests are counted where the origin receives them (node's
 * `http.server.request.start` diagnostics channel), so the figures are what the origin saw.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { assertBehindLive, listenUntilHeard, servePlayerPages } from '../helpers/hls-player-page.js';
import { NGINX, startNginxEdge, type NginxEdge } from '../helpers/nginx-edge.js';

let server: TestServer;
let nginx: NginxEdge | null = null;
let edge = '';
let stage: TestSocket;
let hlsPath = '';
let oggPath = '';
let spaceId = '';
let speaker: WeriftSpeaker | null = null;

/** origin requests below /hls/, counted as the origin's HTTP server receives them */
let originHls = 0;
const onRequest = (msg: unknown): void => {
  const req = (msg as { request: IncomingMessage }).request;
  if (req.url?.includes('/hls/')) originHls++;
};

before(async () => {
  assert.ok(existsSync(NGINX), 'nginx is installed (apt-get install nginx)');
  server = await startTestServer({});
  nginx = await startNginxEdge(server.rostra.port);
  edge = nginx.url;
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Cached', allowAnonymous: true },
  });
  spaceId = res.body.space.id;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  speaker = await publishTone(server.url, spaceId, host.token, { hz: 440 });
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
  const media = await api(server.url, 'GET', `/v1/spaces/${spaceId}/media`);
  hlsPath = media.body.hls;
  oggPath = media.body.ogg;
  subscribe('http.server.request.start', onRequest);
});

after(async () => {
  unsubscribe('http.server.request.start', onRequest);
  await speaker?.close();
  stage?.close();
  await nginx?.stop();
  await server?.stop();
});

const HINT = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/;

/** msn of the origin's first segment: the one its first part (or, before that, its preload hint) is in */
async function firstSegment(playlistUrl: string): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const text = await (await fetch(playlistUrl)).text();
    const part = /URI="part-(\d+)\.\d+\.m4s",INDEPENDENT/.exec(text);
    if (part) return Number(part[1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no part within 4 s');
}

function hintOf(playlist: string): [number, number] {
  const m = HINT.exec(playlist);
  if (!m) throw new Error(`no preload hint in playlist:\n${playlist}`);
  return [Number(m[1]), Number(m[2])];
}

test('parts are cached by URL, playlists briefly, errors never', async () => {
  const base = edge + hlsPath.replace(/playlist\.m3u8$/, '');
  // segment numbers follow the Space's frame seq: the origin's first segment starts at the
  // first boundary it saw, which its playlist names once the first frame has arrived
  const m = await firstSegment(server.url + hlsPath);
  const first = await fetch(edge + hlsPath + `?_HLS_msn=${m}&_HLS_part=1`);
  assert.equal(first.status, 200);
  await first.text();
  const a = await fetch(base + `part-${m}.1.m4s`);
  const bytesA = Buffer.from(await a.arrayBuffer());
  const b = await fetch(base + `part-${m}.1.m4s`);
  const bytesB = Buffer.from(await b.arrayBuffer());
  assert.equal(b.headers.get('x-cache-status'), 'HIT');
  assert.deepEqual(bytesA, bytesB);
  assert.equal(b.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  // the blocking parameters in either order share one cache entry
  const again = await fetch(edge + hlsPath + `?_HLS_part=1&_HLS_msn=${m}`);
  await again.text();
  assert.equal(again.headers.get('x-cache-status'), 'HIT');
  // a wrong token is refused by the origin every time (no-store: nginx keeps nothing)
  const bad = base.replace(/hls\/[^/]+\//, 'hls/1.AAAAAAAAAAAAAAAAAAAAAA/') + `part-${m}.1.m4s`;
  for (let i = 0; i < 2; i++) {
    const res = await fetch(bad);
    assert.equal(res.status, 403);
    assert.notEqual(res.headers.get('x-cache-status'), 'HIT');
    await res.arrayBuffer();
  }
});

test('the Ogg stream passes through nginx unbuffered, and the listen WebSocket is proxied', async () => {
  const res = await fetch(edge + oggPath);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/ogg');
  const reader = res.body!.getReader();
  const t0 = Date.now();
  let bytes = 0;
  const arrivals: number[] = [];
  while (arrivals.length < 6) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    arrivals.push(Date.now() - t0);
  }
  await reader.cancel();
  // 200 ms pages arrive one by one (unbuffered), not in a lump at the end of a buffer
  assert.ok(
    arrivals.length >= 6 && (arrivals.at(-1) ?? 0) - (arrivals[1] ?? 0) >= 500,
    `arrivals ${arrivals.join(',')}`,
  );
  assert.ok(bytes > 0);

  const ws = new WebSocket(edge.replace('http', 'ws') + `/v1/spaces/${spaceId}/listen`);
  const welcome = await new Promise<{ type: string }>((resolve, reject) => {
    ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString('utf8')) as { type: string }));
    ws.once('error', reject);
  });
  assert.equal(welcome.type, 'welcome');
  ws.close();
});

/** One simulated LL-HLS listener: blocking reload for the hinted part + fetch of that part. */
async function listener(deadline: number, counts: { requests: number; failures: number }): Promise<void> {
  const base = edge + hlsPath.replace(/playlist\.m3u8$/, '');
  await new Promise((r) => setTimeout(r, Math.random() * 400));
  const live = await fetch(edge + hlsPath);
  counts.requests++;
  let [msn, part] = hintOf(await live.text());
  while (Date.now() < deadline) {
    const [pl, media] = await Promise.all([
      fetch(`${edge}${hlsPath}?_HLS_msn=${msn}&_HLS_part=${part}`),
      fetch(`${base}part-${msn}.${part}.m4s`),
    ]);
    counts.requests += 2;
    const text = await pl.text();
    await media.arrayBuffer();
    if (pl.status !== 200 || media.status !== 200) {
      counts.failures++;
      continue;
    }
    [msn, part] = hintOf(text);
  }
}

async function phase(n: number, seconds: number) {
  const counts = { requests: 0, failures: 0 };
  const origin0 = originHls;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: n }, () => listener(t0 + seconds * 1000, counts)));
  const elapsed = (Date.now() - t0) / 1000;
  const figures = {
    listeners: n,
    seconds: Number(elapsed.toFixed(1)),
    clientPerS: Number((counts.requests / elapsed).toFixed(1)),
    originPerS: Number(((originHls - origin0) / elapsed).toFixed(1)),
    failures: counts.failures,
  };
  console.log(`nginx cache: ${JSON.stringify(figures)}`);
  return figures;
}

/** rostra_hls_requests_total from the origin's /metrics */
async function hlsRequestsMetric(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^rostra_hls_requests_total (\d+)$/m.exec(text)?.[1] ?? NaN);
}

test('origin requests stay flat while LL-HLS listeners through nginx grow 4x', async () => {
  const metric0 = await hlsRequestsMetric();
  const origin0 = originHls;
  const small = await phase(50, 8);
  const large = await phase(200, 8);
  assert.equal(small.failures + large.failures, 0);
  // the node's own counter agrees with the requests its HTTP server received below /hls/
  assert.equal((await hlsRequestsMetric()) - metric0, originHls - origin0);
  const clientGrowth = large.clientPerS / small.clientPerS;
  const originGrowth = large.originPerS / small.originPerS;
  console.log(`client req/s x${clientGrowth.toFixed(2)}, origin req/s x${originGrowth.toFixed(2)}`);
  assert.ok(clientGrowth > 3, `client requests grew x${clientGrowth.toFixed(2)}`);
  assert.ok(originGrowth < 1.5, `origin requests grew x${originGrowth.toFixed(2)}`);
  // one part + one blocking playlist per 400 ms part, and a few stragglers
  assert.ok(large.originPerS < 15, `origin req/s at 200 listeners: ${large.originPerS}`);
});

test('hls.js in Chromium plays the Space through nginx and hears the speaker', async () => {
  const pages = await servePlayerPages();
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const tab = await browser.newPage();
    await tab.goto(pages.url('hlsjs', edge + hlsPath));
    const { probe, played, started } = await listenUntilHeard(tab, { playS: 4, timeoutMs: 20_000 });
    assert.ok(started, `playback started (errors: ${probe.errors.join(', ')})`);
    assert.ok(played > 4, `played ${played} s`);
    assert.ok(Math.abs(probe.peakHz - 440) < 12, `spectral peak at ${probe.peakHz} Hz`);
    console.log(
      `hls.js through nginx: latency ${probe.latency.toFixed(2)} s behind the live edge, ` +
        `${probe.behindMixer?.toFixed(2)} s behind the mixer, errors [${probe.errors.join(', ')}]`,
    );
    assertBehindLive(probe, 0.5); // nginx's cache lock polls every 500 ms
  } finally {
    await browser.close();
    await pages.close();
  }
});
