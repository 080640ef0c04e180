import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OggStream } from '../../audience/ogg/index.js';
import { ChunkedDecoder, OggPageReader, type OggPageHead } from './ogg-pages.js';

function chunked(parts: Uint8Array[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts)
    out.push(Buffer.from(`${p.length.toString(16)}\r\n`), Buffer.from(p), Buffer.from('\r\n'));
  out.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(out);
}

void test('pages of the real Ogg packager are read through chunked coding whatever the splits', () => {
  const stream = new OggStream({ framesPerPage: 5 });
  const bytes: Uint8Array[] = [stream.headerPages()];
  stream.on('page', (p) => bytes.push(p.bytes));
  for (let seq = 0; seq < 20; seq++)
    stream.push({ seq, mixedAt: 1000 + seq * 20, opus: new Uint8Array(60 + (seq % 3) * 100).fill(seq) });
  stream.end();
  const wire = chunked(bytes);
  for (const size of [wire.length, 1, 3, 64, 500]) {
    const pages: OggPageHead[] = [];
    const reader = new OggPageReader((p) => pages.push(p));
    const dechunk = new ChunkedDecoder((b) => reader.push(b));
    for (let i = 0; i < wire.length; i += size) dechunk.push(wire.subarray(i, i + size));
    assert.ok(dechunk.done);
    const data = pages.filter((p) => p.granule > 0);
    assert.equal(pages[0]?.flags, 2, 'first page begins the stream');
    assert.equal(
      data.reduce((n, p) => n + p.packets, 0),
      20,
      `all 20 frames in data pages (chunks of ${size})`,
    );
    assert.ok(data.every((p, i) => i === 0 || p.granule >= data[i - 1]!.granule));
    assert.equal(
      pages.at(-1)!.flags & 4,
      4,
      `last page ends the stream (chunks of ${size}): ${JSON.stringify(pages.at(-1))}`,
    );
  }
});
