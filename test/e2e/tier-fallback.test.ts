/**
 * The listener view picks its tier by itself, in real Chromium against a real server with a
 * live Space (a werift speaker publishing 440 Hz) and a node capped at ONE listener socket:
 *
 *  1. listener A presses Play and plays over the WebSocket (status "Live · WebSocket");
 *  2. listener B presses Play; the node is full, the server answers `switch_tier` hls with a
 *     signed URL and B plays LL-HLS through hls.js (status "Live · HLS");
 *  3. A's WebSockets are then killed and refused (a Playwright WebSocket route closes them with
 *     1011): after a few failed connects A moves to LL-HLS by itself, with no second click
 *     (the browser runs with the default autoplay policy).
 *
 * What each page plays is tapped: WebCodecs output on the WebSocket tier (tapDecoder) and, on
 * HLS, the media element's audio inside the page's own AudioContext (a ScriptProcessor hung on
 * the MediaElementAudioSourceNode the app creates). The 440 Hz tone must be in both.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, type Page, type WebSocketRoute } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { tapDecoder } from './support/taps.js';

const root = join(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** after tapDecoder: also keep the PCM of every media element routed into a Web Audio graph */
const tapMediaElement = `(() => {
  const original = AudioContext.prototype.createMediaElementSource;
  window.__hlsChunks = 0;
  AudioContext.prototype.createMediaElementSource = function (el) {
    const node = original.call(this, el);
    const sp = this.createScriptProcessor(4096, 1, 1);
    sp.onaudioprocess = (e) => {
      const samples = new Float32Array(e.inputBuffer.getChannelData(0));
      window.__pcm.chunks.push({ t: performance.timeOrigin + performance.now(), samples });
      window.__hlsChunks++;
      while (window.__pcm.chunks.length > 1000) window.__pcm.chunks.shift();
    };
    node.connect(sp);
    sp.connect(this.destination); // a ScriptProcessor only runs when connected; it outputs silence
    window.__hlsRate = this.sampleRate;
    return node;
  };
})();`;

let server: TestServer;
let browser: Browser;
let stage: TestSocket;
let speaker: WeriftSpeaker | null = null;
let spaceUrl = '';
let killSockets = false;
const routes: WebSocketRoute[] = [];

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  server = await startTestServer({ maxListeners: 1 });
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Tiers', allowAnonymous: true },
  });
  const spaceId = res.body.space.id as string;
  spaceUrl = `${server.url}/#/space/${spaceId}`;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  speaker = await publishTone(server.url, spaceId, host.token, { hz: 440 });
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
  // wait (blocking reload) until the first HLS segment exists
  const { hls } = (await api(server.url, 'GET', `/v1/spaces/${spaceId}/media`)).body as { hls: string };
  assert.equal((await fetch(`${server.url}${hls}?_HLS_msn=1`)).status, 200);
  // default autoplay policy on purpose: the move to HLS must not need another click
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await speaker?.close();
  stage?.close();
  await server?.stop();
});

async function listener(routed: boolean): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.addInitScript(tapDecoder);
  await page.addInitScript(tapMediaElement);
  page.on('pageerror', (e) => console.log('page error:', e.message));
  if (routed) {
    await page.routeWebSocket(/\/listen/, (ws) => {
      if (killSockets) return void ws.close({ code: 1011, reason: 'test: refused' });
      routes.push(ws);
      ws.connectToServer();
    });
  }
  await page.goto(spaceUrl);
  await page.click('[data-testid=play]');
  return page;
}

const status = (p: Page): Promise<string> =>
  p.$eval('[data-testid=player-status]', (el) => el.textContent ?? '');

async function waitStatus(p: Page, re: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await status(p);
    if (re.test(last)) return last;
    await sleep(250);
  }
  throw new Error(`status never matched ${re}; last "${last}"`);
}

/** 440 Hz and 700 Hz (control) levels in the PCM the page played over the last `ms` */
async function tone(p: Page, ms: number): Promise<{ samples: number; a440: number; off: number }> {
  const to = Date.now();
  const r: { samples: number; levels: number[] } = await p.evaluate(
    `window.__analyse(${to - ms}, ${to}, [440, 700])`,
  );
  return { samples: r.samples, a440: r.levels[0] ?? 0, off: r.levels[1] ?? 0 };
}

void describe('the listener view chooses its tier', { timeout: 120_000 }, () => {
  let a: Page;

  void test('a listener plays over the WebSocket tier and hears the speaker', async () => {
    a = await listener(true);
    const text = await waitStatus(a, /Live · WebSocket/, 15_000);
    await sleep(2_500);
    const t = await tone(a, 2_000);
    console.log(`A on WebSocket: "${text}"; 440 Hz ${t.a440.toFixed(4)}, 700 Hz ${t.off.toFixed(4)}`);
    assert.equal(await a.getAttribute('.listener-panel', 'data-tier'), 'websocket');
    assert.ok(t.samples > 48_000, `decoded ${t.samples} samples`);
    assert.ok(t.a440 > 0.05 && t.a440 > 10 * t.off, 'the tone is heard');
  });

  void test('when the node is full the server moves the next listener to LL-HLS and it plays there', async () => {
    const b = await listener(false);
    const text = await waitStatus(b, /Live · HLS/, 20_000);
    await sleep(3_000);
    let t = await tone(b, 2_500);
    if (!(t.a440 > 0.03)) {
      // seen once in three runs: playing 0.8 s behind, the player ran dry while sampling; a
      // listener that stalls at start-up must still play, so listen once more (docs: hls.md)
      console.log(`B: first 2.5 s nearly silent (440 Hz ${t.a440.toFixed(4)}); listening again`);
      t = await tone(b, 2_500);
    }
    const hlsChunks: number = await b.evaluate('window.__hlsChunks');
    const decoded: number = await b.evaluate('window.__pcm.count');
    console.log(
      `B moved by the server: "${text}"; 440 Hz ${t.a440.toFixed(4)}, 700 Hz ${t.off.toFixed(4)}, ` +
        `HLS chunks ${hlsChunks}, WebCodecs chunks ${decoded}`,
    );
    assert.equal(await b.getAttribute('.listener-panel', 'data-tier'), 'hls');
    assert.equal(decoded, 0, 'B never played over the WebSocket');
    assert.ok(hlsChunks > 10, 'the media element fed the audio graph');
    assert.ok(t.a440 > 0.03 && t.a440 > 10 * t.off, 'the tone is heard over HLS');
    assert.ok(server.rostra.admission.stats().overflowed >= 1);
    await b.context().close();
  });

  void test('when its WebSocket keeps failing a listener moves to LL-HLS by itself, without a click', async () => {
    killSockets = true;
    const killedAt = Date.now();
    for (const r of routes) await r.close({ code: 1011, reason: 'test: killed' }).catch(() => undefined);
    const text = await waitStatus(a, /Live · HLS/, 30_000);
    const movedMs = Date.now() - killedAt;
    await sleep(3_000);
    const t = await tone(a, 2_500);
    const hlsChunks: number = await a.evaluate('window.__hlsChunks');
    console.log(
      `A moved by itself after ${movedMs} ms: "${text}"; 440 Hz ${t.a440.toFixed(4)}, ` +
        `700 Hz ${t.off.toFixed(4)}, HLS chunks ${hlsChunks}`,
    );
    assert.equal(await a.getAttribute('.listener-panel', 'data-tier'), 'hls');
    assert.ok(hlsChunks > 10, 'the media element fed the audio graph');
    assert.ok(t.a440 > 0.03 && t.a440 > 10 * t.off, 'the tone is heard over HLS');
    // the play button still says Stop: the listener never had to press anything again
    assert.equal(await a.getAttribute('[data-testid=play]', 'data-state'), 'playing');
  });

  void test('during a paced join storm the listener view shows its place in the waiting room, then plays', async () => {
    const paced = await startTestServer({ joinRate: 1, joinBurst: 1 });
    const queued: TestSocket[] = [];
    try {
      const host = await signUp(paced.url, 'host');
      const res = await api(paced.url, 'POST', '/v1/spaces', {
        token: host.token,
        body: { title: 'Queue', allowAnonymous: true },
      });
      const id = res.body.space.id as string;
      const hostStage = await TestSocket.open(paced.url, `/v1/spaces/${id}/stage`, host.token);
      queued.push(hostStage);
      await hostStage.waitType('welcome');
      assert.equal((await hostStage.command({ type: 'go_live' })).type, 'ack');
      // others got there first: one admitted, two waiting
      for (let i = 0; i < 3; i++) queued.push(await TestSocket.open(paced.url, `/v1/spaces/${id}/listen`));
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${paced.url}/#/space/${id}`);
      await page.click('[data-testid=play]');
      const text = await waitStatus(page, /Waiting room: you are number [1-3]/, 5_000);
      await page.waitForFunction(
        `!/Waiting room/.test(document.querySelector('[data-testid=player-status]')?.textContent ?? '')`,
        undefined,
        { timeout: 10_000 },
      );
      console.log(`waiting room shown: "${text}", then admitted: "${await status(page)}"`);
      assert.equal(await page.getAttribute('.listener-panel', 'data-tier'), 'websocket');
      await ctx.close();
    } finally {
      for (const q of queued) q.close();
      await paced.stop();
    }
  });
});
