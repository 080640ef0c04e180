import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OggFanout, OggStream, OGG_RESPONSE_HEADERS, oggCrc32 } from '../../src/audience/ogg/index.js';
import { runFfmpeg, toneFrames, toneRatio } from '../../src/audience/ogg/testkit.js';

const dir = mkdtempSync(join(tmpdir(), 'rostra-ogg-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** ffmpeg decodes a file to s16le mono 48 kHz; returns seconds decoded and the 440 Hz ratio. */
async function decode(
  input: string,
  extra: string[] = [],
): Promise<{ seconds: number; ratio: number; stderr: string }> {
  const r = await runFfmpeg([...extra, '-i', input, '-f', 's16le', '-ac', '1', '-ar', '48000', '-']);
  assert.equal(r.code, 0, r.stderr);
  return { seconds: r.stdout.length / 2 / 48000, ratio: toneRatio(r.stdout), stderr: r.stderr };
}

function record(stream: OggStream, fromIndex: number): Uint8Array[] {
  const chunks = [stream.headerPages()];
  stream.on('page', (p) => {
    if (p.firstIndex >= fromIndex) chunks.push(p.bytes);
  });
  return chunks;
}

for (const framesPerPage of [1, 10, 50]) {
  void test(`an Ogg/Opus stream of 5 s (${framesPerPage} frames per page) decodes in ffmpeg to the 440 Hz tone`, async () => {
    const stream = new OggStream({ framesPerPage });
    const chunks = record(stream, 0);
    for (const f of toneFrames(250)) stream.push(f);
    stream.end();
    const file = join(dir, `full-${framesPerPage}.opus`);
    writeFileSync(file, Buffer.concat(chunks));
    const { seconds, ratio } = await decode(file);
    // 250 frames = 5 s minus the 312-sample pre-skip
    assert.ok(Math.abs(seconds - (5 - 312 / 48000)) < 0.001, `decoded ${seconds} s`);
    assert.ok(ratio > 0.9, `tone ratio ${ratio}`);
    stream.close();
  });
}

void test('a late joiner (header pages + pages from the middle) decodes from where it joined', async () => {
  const stream = new OggStream({ framesPerPage: 10 });
  const chunks = record(stream, 100); // joins at 2 s
  for (const f of toneFrames(250)) stream.push(f);
  stream.end();
  const file = join(dir, 'late.opus');
  writeFileSync(file, Buffer.concat(chunks));
  const { seconds, ratio, stderr } = await decode(file);
  assert.ok(Math.abs(seconds - (3 - 312 / 48000)) < 0.001, `decoded ${seconds} s`);
  assert.ok(ratio > 0.9, `tone ratio ${ratio}`);
  assert.match(stderr, /start: 2\.000000/, 'ffmpeg sees the live start time from the granule');
  stream.close();
});

void test('our page CRCs match the CRCs ffmpeg writes when it remuxes the stream', async () => {
  const stream = new OggStream({ framesPerPage: 10 });
  const chunks = record(stream, 0);
  for (const f of toneFrames(50)) stream.push(f);
  stream.end();
  const src = join(dir, 'crc-src.opus');
  const dst = join(dir, 'crc-dst.ogg');
  writeFileSync(src, Buffer.concat(chunks));
  const r = await runFfmpeg(['-y', '-i', src, '-c', 'copy', dst]);
  assert.equal(r.code, 0, r.stderr);
  const bytes = readFileSync(dst);
  let at = 0;
  let checked = 0;
  while (at < bytes.length) {
    const n = bytes[at + 26] ?? 0;
    let len = 27 + n;
    for (let i = 0; i < n; i++) len += bytes[at + 27 + i] ?? 0;
    const page = Uint8Array.from(bytes.subarray(at, at + len));
    const stored = bytes.readUInt32LE(at + 22);
    page.fill(0, 22, 26);
    assert.equal(oggCrc32(page), stored);
    checked++;
    at += len;
  }
  assert.ok(checked >= 3);
  stream.close();
});

void test('ffmpeg listening over HTTP to a live Ogg stream gets the tone in real time', async () => {
  const stream = new OggStream({ framesPerPage: 5 });
  const fanout = new OggFanout(stream);
  const server = createServer((req, res) => {
    if (req.url !== '/listen.opus') return void res.writeHead(404).end();
    res.writeHead(200, OGG_RESPONSE_HEADERS);
    fanout.attach(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const frames = toneFrames(300);
  // the Space has been live for 1 s before the listener arrives
  let i = 0;
  for (; i < 50; i++) stream.push(frames[i] as (typeof frames)[number]);
  const timer = setInterval(() => {
    for (let k = 0; k < 5 && i < frames.length; k++, i++) stream.push(frames[i] as (typeof frames)[number]);
  }, 100);
  try {
    const r = await runFfmpeg([
      '-i',
      `http://127.0.0.1:${port}/listen.opus`,
      '-t',
      '3',
      '-f',
      's16le',
      '-ac',
      '1',
      '-ar',
      '48000',
      '-',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const seconds = r.stdout.length / 96000;
    assert.ok(Math.abs(seconds - 3) < 0.05, `decoded ${seconds} s`);
    assert.ok(toneRatio(r.stdout) > 0.9);
  } finally {
    clearInterval(timer);
    fanout.close();
    stream.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
