/**
 * The WebSocket player in real Chromium against a real fan-out: real Opus (a 440 Hz tone from
 * @evan/opus), WebCodecs decoding and the AudioWorklet jitter buffer. Asserts on the PCM the
 * page decodes, measures delay, survives a dropped socket and stops on an 'ended' bulletin.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, type Page } from 'playwright-core';
import { AudienceFanout } from '../../src/audience/ws/fanout.js';
import { startFanoutServer, ToneSource, waitFor, type TestServer } from '../../src/audience/ws/test-kit.js';
import { FRAME_MS, SAMPLE_RATE } from '../../src/protocol/audience.js';
import { launchChromium } from '../helpers/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function bundle(options: Parameters<typeof build>[0]): Promise<string> {
  const out = await build({ bundle: true, write: false, format: 'esm', target: 'chrome110', ...options });
  return out.outputFiles![0]!.text;
}

/** Amplitude of the `hz` component of `x` (Goertzel), 1.0 for a full-scale sine. */
function goertzel(x: Float32Array, hz: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s = v + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2)) / (x.length / 2);
}

interface PageStats {
  state: string;
  framesReceived: number;
  framesDecoded: number;
  underruns: number;
  gaps: number;
  bufferedMs: number;
  delayMs: number;
  connects: number;
  pcmFrames: number;
  messages: string[];
}

/** What the page exposes to the test (bundled with the player; see HARNESS). */
interface Harness {
  startPlayer(url: string): Promise<void>;
  pageStats(): PageStats;
  lastPcm(frames: number): number[];
}

/** The page script: a WsPlayer whose onPcm tap keeps the last 4 s of decoded audio. */
const HARNESS = `
import { WsPlayer } from './web/src/player/index.ts';
const pcm = [];
const messages = [];
let pcmFrames = 0;
let player = null;
Object.assign(window, {
  async startPlayer(url) {
    player = new WsPlayer({ url, targetDelayMs: 150, onMessage: (m) => messages.push(m.type) });
    player.onPcm = (frame) => {
      pcm.push(frame);
      if (pcm.length > 200) pcm.shift();
      pcmFrames++;
    };
    await player.start();
  },
  pageStats: () => ({ ...player.stats(), pcmFrames, messages }),
  lastPcm: (n) => pcm.slice(-n).flatMap((f) => Array.from(f)),
});
window.harnessReady = true;
`;

void describe('WsPlayer in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: TestServer;
  let fanout: AudienceFanout;
  let pump: ReturnType<typeof setInterval>;

  const pageStats = () => page.evaluate(() => (globalThis as unknown as Harness).pageStats());
  /** the last `seconds` of decoded PCM on the page */
  const lastPcm = async (seconds: number) =>
    new Float32Array(
      await page.evaluate(
        (n) => (globalThis as unknown as Harness).lastPcm(n),
        Math.round((seconds * 1000) / FRAME_MS),
      ),
    );
  const waitPage = async (cond: (s: PageStats) => boolean, timeoutMs: number, what: string) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await pageStats();
      if (cond(s)) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    const player = await bundle({
      stdin: {
        contents: HARNESS,
        resolveDir: root,
        loader: 'ts',
      },
    });
    const worklet = await bundle({ entryPoints: [`${root}web/src/player/jitter-worklet.ts`] });
    const files: Record<string, [string, string]> = {
      '/': [
        'text/html',
        '<!doctype html><title>player</title><script type="module" src="/player.js"></script>',
      ],
      '/player.js': ['text/javascript', player],
      '/jitter-worklet.js': ['text/javascript', worklet],
    };
    fanout = new AudienceFanout();
    server = await startFanoutServer(fanout, (req, res) => {
      const file = files[req.url ?? ''];
      if (!file) return void res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    // the "mixer": one 20 ms frame per 20 ms of wall time
    const tone = new ToneSource(440, 0.3);
    const started = Date.now();
    let sent = 0;
    pump = setInterval(() => {
      while (sent * FRAME_MS <= Date.now() - started) {
        if (!fanout.closed) fanout.push(tone.next());
        sent++;
      }
    }, 5);
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ]);
    page = await browser.newPage();
    page.on('console', (m) => console.log(`# page ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
    await page.goto(server.url.replace('ws://', 'http://').replace('/listen', '/'));
    await page.waitForFunction(() => 'harnessReady' in globalThis);
    await page.evaluate((url) => (globalThis as unknown as Harness).startPlayer(url), server.url);
  });

  after(async () => {
    clearInterval(pump);
    await browser?.close();
    fanout?.close();
    await server?.close();
  });

  void it('plays the 440 Hz tone it is sent, and nothing at 1 kHz', async () => {
    const s = await waitPage(
      (x) => x.pcmFrames >= 100 && x.state === 'playing',
      10_000,
      'two seconds of audio',
    );
    const pcm = await lastPcm(1);
    const a440 = goertzel(pcm, 440);
    const a1k = goertzel(pcm, 1000);
    console.log(`# 440 Hz amplitude ${a440.toFixed(3)}, 1 kHz ${a1k.toFixed(4)}; stats ${JSON.stringify(s)}`);
    assert.ok(a440 > 0.15, `440 Hz amplitude ${a440}`);
    assert.ok(a1k < a440 / 50, `1 kHz amplitude ${a1k}`);
    assert.equal(s.framesDecoded, s.pcmFrames);
  });

  void it('keeps the playout delay near its target', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const s = await pageStats();
    console.log(
      `# delayMs ${s.delayMs.toFixed(1)} (target 150 + batching), bufferedMs ${s.bufferedMs.toFixed(1)}, ` +
        `underruns ${s.underruns}, gaps ${s.gaps}`,
    );
    assert.equal(s.state, 'playing');
    assert.ok(s.delayMs > 100 && s.delayMs < 800, `delayMs ${s.delayMs}`);
    assert.ok(s.bufferedMs < 500, `bufferedMs ${s.bufferedMs}`);
  });

  void it('reconnects by itself after the server drops the socket, and plays again', async () => {
    const before = await pageStats();
    for (const ws of server.accepted) ws.terminate();
    const t0 = Date.now();
    const back = await waitPage(
      (x) => x.connects === before.connects + 1 && x.framesReceived > before.framesReceived,
      10_000,
      'reconnect',
    );
    const reconnectMs = Date.now() - t0;
    const s = await waitPage((x) => x.pcmFrames >= back.pcmFrames + 50, 10_000, 'a second of new audio');
    console.log(`# audio flowing again ${reconnectMs} ms after the drop; ${JSON.stringify(s)}`);
    assert.ok(reconnectMs < 3000, `reconnect took ${reconnectMs} ms`);
    await waitPage((x) => x.state === 'playing', 5000, 'playing after reconnect');
    const pcm = await lastPcm(0.5);
    assert.ok(goertzel(pcm, 440) > 0.15, 'tone after reconnect');
    assert.equal(fanout.size, 1);
  });

  void it('reconnects after being dropped as too slow (4408)', async () => {
    const before = await pageStats();
    const socket = server.accepted[server.accepted.length - 1]!;
    socket.close(4408, 'too_slow');
    await waitPage(
      (x) => x.connects === before.connects + 1 && x.framesReceived > before.framesReceived + 10,
      10_000,
      'reconnect after too_slow',
    );
    assert.equal(fanout.size, 1);
  });

  void it('follows a switch_tier bulletin to another WebSocket URL', async () => {
    const before = await pageStats();
    const movedTo = `${server.url}?edge=2`;
    fanout.bulletin({ type: 'switch_tier', tier: 'websocket', url: movedTo, reason: 'drain' });
    await waitPage(
      (x) => x.connects === before.connects + 1 && x.framesReceived > before.framesReceived + 10,
      10_000,
      'reconnect to the new URL',
    );
    assert.equal(server.urls[server.urls.length - 1], '/listen?edge=2');
    assert.equal(fanout.size, 1);
  });

  void it("stops for good on an 'ended' bulletin", async () => {
    const before = await pageStats();
    fanout.bulletin({ type: 'ended', reason: 'the host ended the Space' });
    const s = await waitPage((x) => x.state === 'ended', 5000, 'ended');
    assert.ok(s.messages.includes('ended'));
    await waitFor(() => fanout.size === 0, 3000, 'the player closes its socket');
    const settled = (await pageStats()).pcmFrames;
    await new Promise((r) => setTimeout(r, 1500));
    const later = await pageStats();
    assert.equal(later.pcmFrames, settled, 'no audio after ended');
    assert.equal(later.connects, before.connects, 'no reconnect after ended');
    assert.equal(later.state, 'ended');
  });
});
