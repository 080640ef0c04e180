/**
 * A plain <audio src> in real headless Chromium plays the live Ogg/Opus stream, joining a
 * Space that has been live for a while (header pages + pages from the middle, non-zero
 * granules, a page-number jump), and a WebAudio analyser hears the 440 Hz tone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OggFanout, OggStream, OGG_RESPONSE_HEADERS } from '../../src/audience/ogg/index.js';
import { toneFrames } from '../../src/audience/ogg/testkit.js';
import type { AudioFrame } from '../../src/protocol/audience.js';
import { launchChromium } from '../helpers/browser.js';

const PAGE = `<!doctype html><meta charset="utf-8"><audio id="a" src="/listen.opus"></audio>
<script>
  const audio = document.getElementById('a');
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192;
  ctx.createMediaElementSource(audio).connect(analyser);
  analyser.connect(ctx.destination);
  window.errors = [];
  audio.onerror = () => window.errors.push(String(audio.error && audio.error.message));
  audio.play().catch((e) => window.errors.push(String(e)));
  window.probe = () => {
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let peak = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
    return { currentTime: audio.currentTime, peakHz: (peak * ctx.sampleRate) / analyser.fftSize, errors: window.errors };
  };
</script>`;

void test('Chromium <audio> plays the live Ogg/Opus stream as a late joiner and the tone is heard', async () => {
  const stream = new OggStream({ framesPerPage: 10 });
  const fanout = new OggFanout(stream);
  const server: Server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (req.url !== '/listen.opus') return void res.writeHead(404).end();
    res.writeHead(200, OGG_RESPONSE_HEADERS);
    fanout.attach(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const frames = toneFrames(1500);
  let i = 0;
  for (; i < 250; i++) stream.push(frames[i] as AudioFrame); // live for 5 s before anyone listens
  const timer = setInterval(() => {
    for (let k = 0; k < 5 && i < frames.length; k++, i++) stream.push(frames[i] as AudioFrame);
  }, 100);
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    type Probe = { currentTime: number; peakHz: number; errors: string[] };
    let probe: Probe | undefined;
    let startedAt: number | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      probe = await page.evaluate(() => (globalThis as unknown as { probe: () => Probe }).probe());
      if (startedAt === undefined && probe.currentTime > 0) startedAt = probe.currentTime;
      if (startedAt !== undefined && probe.currentTime - startedAt > 2 && Math.abs(probe.peakHz - 440) < 12)
        break;
    }
    assert.ok(probe && startedAt !== undefined, `playback started (errors: ${probe?.errors.join(', ')})`);
    assert.ok(probe.currentTime - startedAt > 2, `played ${probe.currentTime - startedAt} s`);
    assert.ok(Math.abs(probe.peakHz - 440) < 12, `spectral peak at ${probe.peakHz} Hz`);
    assert.equal(fanout.size, 1);
    console.log(
      `Chromium joined at media time ${startedAt.toFixed(2)} s, now ${probe.currentTime.toFixed(2)} s`,
    );
  } finally {
    clearInterval(timer);
    await browser.close();
    fanout.close();
    stream.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
