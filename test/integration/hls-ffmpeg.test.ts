import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HlsStream, handleHlsRequest } from '../../src/audience/hls/index.js';
import { runFfmpeg, toneFrames, toneRatio } from '../../src/audience/ogg/testkit.js';
import type { AudioFrame } from '../../src/protocol/audience.js';

/** Serves `stream` under /spaces/demo/hls/ the way the app will: parse, authorise, delegate. */
async function serve(stream: HlsStream): Promise<{ server: Server; base: string; log: string[] }> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(url.pathname + url.search);
    const prefix = '/spaces/demo/hls/';
    if (!url.pathname.startsWith(prefix)) return void res.writeHead(404).end();
    handleHlsRequest(stream, url.pathname.slice(prefix.length), url.searchParams).then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/spaces/demo/hls`, log };
}

/** Feeds frames in real time (a 20 ms frame every 20 ms, pushed in 100 ms batches). */
function feed(stream: HlsStream, frames: AudioFrame[], from: number): () => void {
  let i = from;
  const timer = setInterval(() => {
    for (let k = 0; k < 5 && i < frames.length; k++, i++) stream.push(frames[i] as AudioFrame);
  }, 100);
  return () => clearInterval(timer);
}

for (const entry of ['playlist.m3u8', 'master.m3u8']) {
  void test(`ffmpeg plays the live LL-HLS stream from ${entry} and hears the 440 Hz tone`, async () => {
    const stream = new HlsStream();
    const { server, base, log } = await serve(stream);
    const frames = toneFrames(1000, { startAt: Date.now() - 2000 });
    for (let i = 0; i < 100; i++) stream.push(frames[i] as AudioFrame); // live for 2 s already
    const stop = feed(stream, frames, 100);
    try {
      const r = await runFfmpeg(
        ['-i', `${base}/${entry}`, '-t', '4', '-f', 's16le', '-ac', '1', '-ar', '48000', '-'],
        30_000,
      );
      assert.equal(r.code, 0, r.stderr);
      const seconds = r.stdout.length / 96000;
      assert.ok(Math.abs(seconds - 4) < 0.05, `decoded ${seconds} s`);
      const ratio = toneRatio(r.stdout);
      assert.ok(ratio > 0.9, `tone ratio ${ratio}`);
      assert.ok(log.some((l) => l.endsWith('/init.mp4')));
      assert.ok(log.some((l) => /seg-\d+\.m4s$/.test(l)));
    } finally {
      stop();
      stream.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
}

void test('ffmpeg reads an ended stream to the end: all frames, EXT-X-ENDLIST honoured', async () => {
  const stream = new HlsStream({ windowSegments: Infinity });
  const { server, base } = await serve(stream);
  for (const f of toneFrames(230)) stream.push(f); // 4.6 s: 2 full segments + a short one
  stream.end();
  try {
    const r = await runFfmpeg(
      [
        '-live_start_index',
        '0',
        '-i',
        `${base}/playlist.m3u8`,
        '-f',
        's16le',
        '-ac',
        '1',
        '-ar',
        '48000',
        '-',
      ],
      30_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const seconds = r.stdout.length / 96000;
    assert.ok(Math.abs(seconds - (4.6 - 312 / 48000)) < 0.03, `decoded ${seconds} s`);
    assert.ok(toneRatio(r.stdout) > 0.9);
  } finally {
    stream.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
