/**
 * Two real Chromium speakers against a real StageMedia over WHIP-style HTTP:
 * speaker A's mic is a 440 Hz tone, speaker B's a 1 kHz tone pulsed 500 ms on / 500 ms off.
 * Checks the mix (decoded with real Opus) holds both tones, each speaker hears the other on a
 * forwarded slot and never itself, a server-side mute removes B everywhere, and measures the
 * speaker-to-speaker delay from B's tone onsets at B's mic and at A's slot (same wall clock).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, type Page } from 'playwright-core';
import { Decoder } from '@evan/opus';
import type { AudioFrame } from '../../src/protocol/audience.js';
import { asSessionId, asSpaceId, asUserId } from '../../src/protocol/ids.js';
import { StageMedia } from '../../src/stage/index.js';
import { sine, toneLevel } from '../helpers/audio-goertzel.js';
import { writeWav } from '../helpers/audio-wav.js';
import { launchChromium } from '../helpers/browser.js';

const space = asSpaceId('e2e');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pulsed(freq: number, seconds: number): Int16Array {
  const s = sine(freq, 12_000, seconds);
  // 500 ms on, 500 ms off, with 5 ms ramps so the edges do not splatter into other bins
  for (let i = 0; i < s.length; i++) {
    const t = i % 48_000;
    const gain = t >= 24_000 ? 0 : Math.min(1, t / 240, (24_000 - t) / 240);
    s[i] = Math.round((s[i] ?? 0) * gain);
  }
  return s;
}

async function pageBundle(): Promise<string> {
  const out = await build({
    entryPoints: ['web/src/stage/probe-page.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
  });
  return out.outputFiles[0]?.text ?? '';
}

/** the WHIP endpoint in front of StageMedia; the bearer token is the user id (test only) */
function startServer(media: StageMedia, js: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/page.js"></script>');
    } else if (req.method === 'GET' && url.pathname === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else if (req.method === 'POST' && url.pathname === '/whip') {
      const user = asUserId((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        media.createSession({ spaceId: space, userId: user, offerSdp: body }).then(
          ({ sessionId, answerSdp }) => {
            if (process.env.SDP_DUMP)
              writeFileSync(process.env.SDP_DUMP + user, `${body}\n-----\n${answerSdp}`);
            res
              .writeHead(201, { 'content-type': 'application/sdp', location: `/whip/${sessionId}` })
              .end(answerSdp);
          },
          (e: Error) => res.writeHead(400).end(e.message),
        );
      });
    } else if (req.method === 'DELETE' && url.pathname.startsWith('/whip/')) {
      media.closeSession(asSessionId(url.pathname.slice(6))).then(
        () => res.writeHead(204).end(),
        () => res.writeHead(404).end(),
      );
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function speaker(wav: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
  ]);
  const page = await browser.newPage();
  page.on(
    'console',
    (m) => (process.env.PAGE_LOG || m.type() === 'error') && console.log('[page]', m.text()),
  );
  return { browser, page };
}

function decodeMix(frames: AudioFrame[]): Int16Array {
  const dec = new Decoder({ channels: 1, sample_rate: 48_000 });
  const parts = frames.map((f) => {
    const b = dec.decode(f.opus);
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  });
  const out = new Int16Array(parts.length * 960);
  parts.forEach((p, i) => out.set(p.subarray(0, 960), i * 960));
  return out;
}

/** wall-clock ms (mixedAt) of each frame where `freq` switches on in the mix */
function onsetsInMix(frames: AudioFrame[], freq: number): number[] {
  const dec = new Decoder({ channels: 1, sample_rate: 48_000 });
  const out: number[] = [];
  let on = false;
  for (const f of frames) {
    const b = dec.decode(f.opus);
    const level = toneLevel(new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2), freq);
    if (level > 2000 && !on) out.push(f.mixedAt);
    on = level > 2000;
  }
  return out;
}

type Levels = Record<string, Record<number, number>>;
const levels = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { stage: { levels(): Levels } }).stage.levels());
/** max over `ms` of the dB at freq on probe `name` */
async function peakDb(page: Page, name: string, freq: number, ms: number): Promise<number> {
  let peak = -Infinity;
  for (let t = 0; t < ms; t += 50) {
    peak = Math.max(peak, (await levels(page))[name]?.[freq] ?? -Infinity);
    await sleep(50);
  }
  return peak;
}

void test(
  'two browser speakers: mixed, forwarded to each other only, muted server-side',
  { timeout: 90_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rostra-stage-'));
    const wavA = join(dir, 'a.wav');
    const wavB = join(dir, 'b.wav');
    writeWav(wavA, sine(440, 12_000, 10));
    writeWav(wavB, pulsed(1000, 10));
    const media = new StageMedia();
    const frames: AudioFrame[] = [];
    media.events.on('frame', (_s, f) => frames.push(f));
    const server = await startServer(media, await pageBundle());
    const port = (server.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    const browsers: Browser[] = [];
    try {
      const a = await speaker(wavA);
      browsers.push(a.browser);
      const b = await speaker(wavB);
      browsers.push(b.browser);
      for (const [p, user] of [
        [a.page, 'alice'],
        [b.page, 'bob'],
      ] as const) {
        await p.goto(base);
        await p.waitForFunction(() => 'stage' in globalThis);
        await p.evaluate(
          ([url, token]) =>
            (globalThis as unknown as { stage: { start(u: string, t: string): Promise<void> } }).stage.start(
              url,
              token,
            ),
          [`${base}/whip`, user] as const,
        );
      }
      for (const p of [a.page, b.page]) {
        await p.waitForFunction(
          () => (globalThis as unknown as { stage: { state(): string } }).stage.state() === 'connected',
          null,
          { timeout: 15_000 },
        );
      }
      await sleep(3000);

      // 1. the mix holds both tones
      const mix = decodeMix(frames.slice(-100)); // last 2 s
      const mix440 = toneLevel(mix, 440);
      const mix1k = toneLevel(mix, 1000);
      const mix700 = toneLevel(mix, 700);
      console.log(
        `mix tone levels: 440 Hz ${mix440.toFixed(0)}, 1 kHz ${mix1k.toFixed(0)}, 700 Hz ${mix700.toFixed(0)}`,
      );
      console.log('mixer stats', JSON.stringify(media.mixerStats(space)));
      assert.ok(mix440 > 1000, 'speaker A (440 Hz) is in the mix');
      assert.ok(mix1k > 500, 'speaker B (1 kHz) is in the mix');
      assert.ok(mix700 < Math.min(mix440, mix1k) / 5, 'no broadband noise');

      // 2. forwarding: A hears B on slot 0 and never itself; B hears A
      const aSlot1k = await peakDb(a.page, 'slot0', 1000, 1200);
      const aSlot440 = await peakDb(a.page, 'slot0', 440, 600);
      const bSlot440 = await peakDb(b.page, 'slot0', 440, 600);
      console.log(
        `A slot0: 1 kHz ${aSlot1k.toFixed(1)} dB, 440 Hz ${aSlot440.toFixed(1)} dB; B slot0: 440 Hz ${bSlot440.toFixed(1)} dB`,
      );
      assert.ok(aSlot1k > -45, 'A hears B');
      assert.ok(aSlot440 < aSlot1k - 25, 'A does not hear itself');
      assert.ok(bSlot440 > -45, 'B hears A');
      const aLevels = await levels(a.page);
      assert.deepEqual(
        Object.keys(aLevels).sort(),
        ['mic', 'slot0']
          .concat(Object.keys(aLevels).filter((k) => k.startsWith('slot') && k !== 'slot0'))
          .sort(),
      );

      // 3. speaker-to-speaker delay: B's 1 kHz onsets at B's mic vs at A's slot 0
      type StageApi = { stage: { onsets(n: string, f: number): number[] } };
      const atMic = await b.page.evaluate(() =>
        (globalThis as unknown as StageApi).stage.onsets('mic', 1000),
      );
      const atA = await a.page.evaluate(() =>
        (globalThis as unknown as StageApi).stage.onsets('slot0', 1000),
      );
      const delays = atA
        .map((t) => t - Math.max(...atMic.filter((m) => m <= t && t - m < 900)))
        .filter((d) => Number.isFinite(d))
        .sort((x, y) => x - y);
      const median = delays[Math.floor(delays.length / 2)];
      console.log(
        `speaker-to-speaker delay (B mic onset -> A slot onset), ms: median ${median}, all ${delays.join(' ')}`,
      );
      assert.ok(delays.length >= 2, 'B pulse onsets seen on both sides');
      // and mic -> mix: B's onsets in the mixed frames, on the frames' mixedAt wall clock
      const mixOnsets = onsetsInMix(frames, 1000);
      const mixDelays = mixOnsets
        .map((t) => t - Math.max(...atMic.filter((m) => m <= t && t - m < 900)))
        .filter((d) => Number.isFinite(d))
        .sort((x, y) => x - y);
      console.log(
        `mic -> mix delay (B mic onset -> mixedAt of the frame), ms: median ${mixDelays[Math.floor(mixDelays.length / 2)]}, all ${mixDelays.join(' ')}`,
      );

      // 4. server-side mute removes B from the mix and from A's slot, whatever B's browser does
      media.setMuted(space, asUserId('bob'), true);
      await sleep(400);
      const mark = frames.length;
      type SlotStats = Record<number, { packetsReceived: number }>;
      const slotPackets = async () =>
        (
          await a.page.evaluate(() =>
            (globalThis as unknown as { stage: { slotStats(): Promise<SlotStats> } }).stage.slotStats(),
          )
        )[0]?.packetsReceived ?? 0;
      const p1 = await slotPackets();
      const aSlot1kMuted = await peakDb(a.page, 'slot0', 1000, 1500);
      const p2 = await slotPackets();
      const muted = decodeMix(frames.slice(mark));
      const muted1k = toneLevel(muted, 1000);
      const muted440 = toneLevel(muted, 440);
      console.log(
        `after mute: mix 1 kHz ${muted1k.toFixed(0)}, 440 Hz ${muted440.toFixed(0)}; A slot0 packets +${p2 - p1} in 1.5 s, 1 kHz ${aSlot1kMuted.toFixed(1)} dB`,
      );
      assert.ok(muted1k < mix1k / 20, 'B is gone from the mix');
      assert.ok(muted440 > mix440 / 2, 'A is still in the mix');
      assert.ok(p1 > 50, 'A had received B on slot 0');
      assert.ok(p2 - p1 < 3, 'no packet of B reaches A any more');

      const stats = media.mixerStats(space);
      console.log('mixer stats', JSON.stringify(stats));

      // 5. stop() DELETEs the session resources
      for (const p of [a.page, b.page])
        await p.evaluate(() => (globalThis as unknown as { stage: { stop(): Promise<void> } }).stage.stop());
      assert.equal(media.sessionCount, 0);
    } finally {
      await Promise.all(browsers.map((br) => br.close()));
      await new Promise((r) => server.close(r));
      await media.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
