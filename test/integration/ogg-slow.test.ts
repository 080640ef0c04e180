/**
 * The slow-consumer rule over real sockets: a listener that stops reading is skipped, then
 * dropped, while a listener that reads gets every page; the server never holds more than
 * about maxBufferedBytes for the stalled one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OggFanout, OggStream, OGG_RESPONSE_HEADERS } from '../../src/audience/ogg/index.js';
import type { AudioFrame } from '../../src/protocol/audience.js';

void test('a listener that stops reading is skipped then dropped; a reading one gets every byte', async () => {
  const stream = new OggStream({ framesPerPage: 10 });
  const maxBufferedBytes = 64 * 1024;
  const fanout = new OggFanout(stream, { maxBufferedBytes, maxSkippedFrames: 250 });
  let maxSeen = 0;
  const responses: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, OGG_RESPONSE_HEADERS);
    responses.push(res);
    fanout.attach(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/listen.opus`;
  const open = (): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => get(url, resolve).on('error', reject));
  const stalled = await open();
  stalled.pause(); // never reads again
  stalled.on('error', () => {});
  const reader = await open();
  let readBytes = 0;
  reader.on('data', (b: Buffer) => (readBytes += b.length));
  let pageBytes = stream.headerPages().length;
  stream.on('page', (p) => (pageBytes += p.bytes.length));
  try {
    // ~1 KB Opus packets, 20 frames per macrotask so both sockets can drain between batches
    const opus = new Uint8Array(1000).fill(0xfc);
    let seq = 0;
    const deadline = Date.now() + 20_000;
    while (fanout.droppedListeners === 0 && Date.now() < deadline) {
      for (let k = 0; k < 20; k++, seq++) stream.push({ seq, mixedAt: seq * 20, opus } satisfies AudioFrame);
      for (const r of responses) maxSeen = Math.max(maxSeen, r.writableLength);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(fanout.droppedListeners, 1, `dropped after ${seq} frames`);
    assert.ok(fanout.skippedPages > 0);
    assert.equal(fanout.size, 1, 'the reading listener stays');
    // the stalled response never held much more than the limit (plus one batch of pages)
    assert.ok(maxSeen < maxBufferedBytes + 20 * 1100, `max unsent ${maxSeen} B`);
    stream.end();
    await new Promise<void>((resolve) => reader.on('end', resolve));
    assert.equal(readBytes, pageBytes, 'the reader got every page');
  } finally {
    fanout.close();
    stream.close();
    stalled.destroy();
    reader.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
