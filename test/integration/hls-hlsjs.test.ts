/**
 * hls.js (low-latency mode) in real headless Chromium plays the LL-HLS stream: it uses blocking
 * playlist reloads and parts, and a WebAudio analyser on the <audio> element hears 440 Hz.
 * (A browser test in the integration tier because it exercises the packager, not the app.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HlsStream, handleHlsRequest } from '../../src/audience/hls/index.js';
import { toneFrames } from '../../src/audience/ogg/testkit.js';
import type { AudioFrame } from '../../src/protocol/audience.js';
import { launchChromium } from '../helpers/browser.js';

const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));

const PAGE = `<!doctype html><meta charset="utf-8"><audio id="a"></audio>
<script src="/hls.min.js"></script>
<script>
  const audio = document.getElementById('a');
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192;
  ctx.createMediaElementSource(audio).connect(analyser);
  analyser.connect(ctx.destination);
  const hls = new Hls({ lowLatencyMode: true });
  window.state = { errors: [] };
  hls.on(Hls.Events.ERROR, (_e, d) => window.state.errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
  hls.loadSource('/spaces/demo/hls/master.m3u8');
  hls.attachMedia(audio);
  hls.on(Hls.Events.MANIFEST_PARSED, () => audio.play().catch((e) => window.state.errors.push(String(e))));
  window.probe = () => {
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let peak = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
    return { currentTime: audio.currentTime, peakHz: (peak * ctx.sampleRate) / analyser.fftSize,
      peakDb: bins[peak], latency: hls.latency, errors: window.state.errors, ctx: ctx.state };
  };
</script>`;

/** serves the page, hls.js and the stream under /spaces/demo/hls/; `log` lists HLS requests */
async function servePlayer(
  stream: HlsStream,
): Promise<{ port: number; log: string[]; close(): Promise<void> }> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url.pathname === '/hls.min.js')
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    const prefix = '/spaces/demo/hls/';
    if (!url.pathname.startsWith(prefix)) return void res.writeHead(404).end();
    log.push(url.pathname.slice(prefix.length) + url.search);
    handleHlsRequest(stream, url.pathname.slice(prefix.length), url.searchParams).then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    log,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type Probe = {
  currentTime: number;
  peakHz: number;
  peakDb: number;
  latency: number;
  errors: string[];
  ctx: string;
};

void test('hls.js in Chromium plays the LL-HLS stream with blocking reloads and parts, and the tone is heard', async () => {
  const stream = new HlsStream();
  const player = await servePlayer(stream);
  const { port, log } = player;
  const frames = toneFrames(1500, { startAt: Date.now() - 4000 });
  let i = 0;
  for (; i < 200; i++) stream.push(frames[i] as AudioFrame); // live for 4 s already
  const timer = setInterval(() => {
    for (let k = 0; k < 5 && i < frames.length; k++, i++) stream.push(frames[i] as AudioFrame);
  }, 100);
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    let probe: Probe | undefined;
    let startedAt: number | undefined; // media time when playback was first seen
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      probe = await page.evaluate(() => (globalThis as unknown as { probe: () => Probe }).probe());
      if (startedAt === undefined && probe.currentTime > 0) startedAt = probe.currentTime;
      if (startedAt !== undefined && probe.currentTime - startedAt > 3 && Math.abs(probe.peakHz - 440) < 12)
        break;
    }
    assert.ok(probe && startedAt !== undefined, `playback started (errors: ${probe?.errors.join(', ')})`);
    const played = probe.currentTime - startedAt;
    assert.ok(played > 3, `played ${played} s (errors: ${probe.errors.join(', ')})`);
    assert.ok(Math.abs(probe.peakHz - 440) < 12, `spectral peak at ${probe.peakHz} Hz (${probe.peakDb} dB)`);
    assert.ok(
      log.some((l) => /_HLS_msn=\d+/.test(l)),
      'blocking playlist reloads',
    );
    assert.ok(
      log.some((l) => /^part-\d+\.\d+\.m4s$/.test(l)),
      'part requests',
    );
    assert.ok(probe.latency < 3, `live latency ${probe.latency} s`);
    console.log(
      `hls.js latency ${probe.latency.toFixed(2)} s, requests ${log.length} (${log.slice(0, 12).join(' ')}), errors [${probe.errors.join(', ')}]`,
    );
  } finally {
    clearInterval(timer);
    await browser.close();
    stream.close();
    await player.close();
  }
});

void test('hls.js keeps playing across a failover gap: EXT-X-GAP segments are skipped, the seq-derived timeline continues', async () => {
  const stream = new HlsStream();
  const player = await servePlayer(stream);
  const { port, log } = player;
  const GAP_FRAMES = 260; // 5.2 s without frames: two whole segments are gaps
  const before = toneFrames(400, { firstSeq: 1000, startAt: Date.now() - 4000 });
  let i = 0;
  for (; i < 200; i++) stream.push(before[i] as AudioFrame);
  let after: AudioFrame[] = [];
  let j = 0;
  let pausedAt = 0;
  let resumedAt = 0;
  const timer = setInterval(() => {
    if (i < before.length) {
      for (let k = 0; k < 5 && i < before.length; k++, i++) stream.push(before[i] as AudioFrame);
      if (i === before.length) pausedAt = Date.now();
      return;
    }
    if (Date.now() - pausedAt < GAP_FRAMES * 20) return; // the old home is gone, no frames
    if (after.length === 0) {
      // the new home's mixer: seq continues on the Space's timeline, past the gap
      resumedAt = Date.now();
      after = toneFrames(750, { firstSeq: 1000 + before.length + GAP_FRAMES, startAt: resumedAt });
    }
    for (let k = 0; k < 5 && j < after.length; k++, j++) stream.push(after[j] as AudioFrame);
  }, 100);
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    let probe: Probe | undefined;
    let atResume: number | undefined;
    let sawGap = false;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      probe = await page.evaluate(() => (globalThis as unknown as { probe: () => Probe }).probe());
      if (resumedAt > 0 && atResume === undefined) atResume = probe.currentTime;
      sawGap ||= stream.playlist().includes('#EXT-X-GAP');
      if (atResume !== undefined && probe.currentTime - atResume > 4 && Math.abs(probe.peakHz - 440) < 12)
        break;
    }
    assert.ok(sawGap, 'the playlist listed gap segments');
    assert.ok(probe && atResume !== undefined, `resumed (errors: ${probe?.errors.join(', ')})`);
    const playedAfter = probe.currentTime - atResume;
    assert.ok(playedAfter > 4, `played ${playedAfter} s after the gap (errors: ${probe.errors.join(', ')})`);
    assert.ok(Math.abs(probe.peakHz - 440) < 12, `spectral peak at ${probe.peakHz} Hz after the gap`);
    assert.ok(!probe.errors.some((e) => e.includes('fatal')), `errors: ${probe.errors.join(', ')}`);
    assert.ok(probe.latency < 4, `live latency ${probe.latency} s after the gap`);
    // seq 1399 is the last before the gap (segment 13), 1660 the first after (segment 16)
    assert.ok(!log.some((l) => /^(seg|part)-1[45]\./.test(l)), 'gap segments are never requested');
    console.log(
      `across the gap: hls.js played ${playedAfter.toFixed(1)} s after resuming, latency ${probe.latency.toFixed(2)} s, errors [${probe.errors.join(', ')}]`,
    );
  } finally {
    clearInterval(timer);
    await browser.close();
    stream.close();
    await player.close();
  }
});
