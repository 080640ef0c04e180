/**
 * hls.js (low-latency mode) in real headless Chromium plays the LL-HLS stream: it uses blocking
 * playlist reloads and parts, and a WebAudio analyser on the <audio> element hears 440 Hz.
 * (A browser test in the integration tier because it exercises the packager, not the app.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HlsStream, handleHlsRequest } from '../../src/audience/hls/index.js';
import { toneFrames } from '../../src/audience/ogg/testkit.js';
import type { AudioFrame } from '../../src/protocol/audience.js';
import { launchChromium } from '../helpers/browser.js';
import {
  assertBehindLive,
  listenUntilHeard,
  probe as probePage,
  servePlayerPages,
  type Probe,
} from '../helpers/hls-player-page.js';

const PREFIX = '/spaces/demo/hls/';

/** serves the hls.js page and the stream under /spaces/demo/hls/; `log` lists HLS requests */
async function servePlayer(
  stream: HlsStream,
): Promise<{ url: string; log: string[]; close(): Promise<void> }> {
  const log: string[] = [];
  const pages = await servePlayerPages((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(PREFIX)) return false;
    log.push(url.pathname.slice(PREFIX.length) + url.search);
    handleHlsRequest(stream, url.pathname.slice(PREFIX.length), url.searchParams).then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      () => res.writeHead(500).end(),
    );
    return true;
  });
  return { url: pages.url('hlsjs', `${PREFIX}master.m3u8`), log, close: () => pages.close() };
}

/** pushes `frames` from `i` on in real time: each frame once the wall clock reaches its mixedAt */
function pushInRealTime(stream: HlsStream, frames: readonly AudioFrame[], from: number): () => void {
  let i = from;
  const timer = setInterval(() => {
    while (i < frames.length && (frames[i] as AudioFrame).mixedAt <= Date.now())
      stream.push(frames[i++] as AudioFrame);
  }, 10);
  return () => clearInterval(timer);
}

void test('hls.js in Chromium plays the LL-HLS stream with blocking reloads and parts, hears the tone, and plays the hold-back plus its own start-up behind live', async () => {
  const stream = new HlsStream();
  const player = await servePlayer(stream);
  const { log } = player;
  const frames = toneFrames(1500, { startAt: Date.now() - 4000 });
  for (let i = 0; i < 200; i++) stream.push(frames[i] as AudioFrame); // live for 4 s already
  const stop = pushInRealTime(stream, frames, 200);
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const page = await browser.newPage();
    await page.goto(player.url);
    const { probe, played, started } = await listenUntilHeard(page, { playS: 3, timeoutMs: 15_000 });
    assert.ok(started, `playback started (errors: ${probe.errors.join(', ')})`);
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
    console.log(
      `hls.js latency ${probe.latency.toFixed(2)} s (behind the mixer ${probe.behindMixer?.toFixed(2)} s, its start-up ${probe.startupS?.toFixed(2)} s), ` +
        `requests ${log.length} (${log.slice(0, 12).join(' ')}), errors [${probe.errors.join(', ')}]`,
    );
    assertBehindLive(probe);
  } finally {
    stop();
    await browser.close();
    stream.close();
    await player.close();
  }
});

void test('hls.js keeps playing across a failover gap: EXT-X-GAP segments are skipped, the seq-derived timeline continues', async () => {
  const stream = new HlsStream();
  const player = await servePlayer(stream);
  const { log } = player;
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
    await page.goto(player.url);
    let probe: Probe | undefined;
    let atResume: number | undefined;
    let sawGap = false;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      probe = await probePage(page);
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
