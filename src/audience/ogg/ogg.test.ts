import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { OggStream } from './ogg-stream.js';
import { OggFanout, type PageSink } from './fanout.js';
import { PageFlag, packPages } from './page.js';
import { FrameTimeline } from './timeline.js';
import { oggCrc32 } from './crc.js';

interface ParsedPage {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  segments: number[];
  body: Uint8Array;
}

/** Splits a byte stream into Ogg pages, checking capture pattern and CRC of each. */
function parsePages(bytes: Uint8Array): ParsedPage[] {
  const pages: ParsedPage[] = [];
  let at = 0;
  while (at < bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    assert.equal(new TextDecoder().decode(bytes.subarray(at, at + 4)), 'OggS');
    const n = bytes[at + 26] ?? 0;
    const segments = [...bytes.subarray(at + 27, at + 27 + n)];
    const bodyLen = segments.reduce((a, b) => a + b, 0);
    const end = at + 27 + n + bodyLen;
    const copy = Uint8Array.from(bytes.subarray(at, end));
    copy.fill(0, 22, 26);
    assert.equal(oggCrc32(copy), view.getUint32(22, true), 'page CRC');
    pages.push({
      flags: view.getUint8(5),
      granule: view.getBigInt64(6, true),
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
      segments,
      body: bytes.subarray(at + 27 + n, end),
    });
    at = end;
  }
  return pages;
}

/** Reassembles packets across pages from lacing values. */
function packetsOf(pages: ParsedPage[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: number[] = [];
  for (const p of pages) {
    let off = 0;
    for (const s of p.segments) {
      cur.push(...p.body.subarray(off, off + s));
      off += s;
      if (s < 255) {
        out.push(Uint8Array.from(cur));
        cur = [];
      }
    }
  }
  return out;
}

const frame = (seq: number, bytes = 80): { seq: number; mixedAt: number; opus: Uint8Array } => ({
  seq,
  mixedAt: 1_000_000 + seq * 20,
  opus: new Uint8Array(bytes).fill(seq & 0xff),
});

void test('large packets continue across pages and reassemble byte for byte', () => {
  const packets = Array.from({ length: 50 }, (_, i) => ({
    data: new Uint8Array(1275).fill(i),
    granule: BigInt((i + 1) * 960),
  }));
  packets.push({ data: new Uint8Array(255).fill(7), granule: 51n * 960n });
  let seq = 5;
  const pages = parsePages(Buffer.concat(packPages(packets, { serial: 9 }, () => seq++)));
  assert.ok(pages.length >= 2);
  for (const p of pages) assert.ok(p.segments.length <= 255);
  assert.ok(
    pages.slice(1).some((p) => p.flags & PageFlag.continued),
    'a continued page',
  );
  assert.deepEqual(
    pages.map((p) => p.sequence),
    pages.map((_, i) => 5 + i),
  );
  const back = packetsOf(pages);
  assert.equal(back.length, 51);
  back.forEach((b, i) => assert.deepEqual(b, packets[i]?.data));
  // a 255-byte packet needs a terminating 0-length segment
  assert.equal(pages.at(-1)?.segments.at(-1), 0);
  // the last page's granule is the last packet's
  assert.equal(pages.at(-1)?.granule, 51n * 960n);
});

void test('the header pages are OpusHead (BOS, page 0) and OpusTags (page 1)', () => {
  const s = new OggStream({ serial: 42, preSkip: 312 });
  const pages = parsePages(s.headerPages());
  assert.equal(pages.length, 2);
  assert.equal(pages[0]?.flags, PageFlag.bos);
  assert.equal(pages[0]?.sequence, 0);
  assert.equal(pages[1]?.sequence, 1);
  const head = pages[0]?.body ?? new Uint8Array();
  assert.equal(new TextDecoder().decode(head.subarray(0, 8)), 'OpusHead');
  assert.equal(head[9], 1, 'mono');
  assert.equal(new DataView(head.buffer, head.byteOffset).getUint16(10, true), 312);
  assert.equal(new TextDecoder().decode(pages[1]?.body.subarray(0, 8)), 'OpusTags');
  assert.ok(pages.every((p) => p.serial === 42 && p.granule === 0n));
});

void test('data pages carry framesPerPage frames, 48 kHz granules and consecutive numbers', () => {
  const s = new OggStream({ serial: 1, framesPerPage: 5 });
  const out: Uint8Array[] = [];
  s.on('page', (p) => out.push(p.bytes));
  for (let i = 0; i < 23; i++) s.push(frame(100 + i));
  assert.equal(out.length, 4);
  s.end();
  const pages = parsePages(Buffer.concat(out));
  assert.deepEqual(
    pages.map((p) => p.granule),
    [5n, 10n, 15n, 20n, 23n].map((n) => n * 960n),
  );
  assert.deepEqual(
    pages.map((p) => p.sequence),
    [2, 3, 4, 5, 6],
  );
  assert.equal(pages.at(-1)?.flags, PageFlag.eos);
  assert.equal(packetsOf(pages).length, 23);
  s.end(); // idempotent
  assert.throws(() => s.push(frame(200)), /ended/);
  s.close();
  assert.throws(() => s.push(frame(201)), /closed/);
});

void test('lost frames are filled with loss-concealment packets, stale ones dropped', () => {
  const t = new FrameTimeline({ maxFillFrames: 3 });
  assert.equal(t.accept(frame(10)).length, 1);
  assert.equal(t.accept(frame(10)).length, 0, 'duplicate');
  assert.equal(t.accept(frame(9)).length, 0, 'late');
  const gap = t.accept(frame(13, 50));
  assert.deepEqual(
    gap.map((f) => [f.index, f.opus.length, f.filler]),
    [
      [1, 1, true],
      [2, 1, true],
      [3, 50, false],
    ],
  );
  const big = t.accept(frame(100));
  assert.deepEqual(
    big.map((f) => f.index),
    [4],
    'a long gap is not filled',
  );
  const w = new FrameTimeline();
  w.accept(frame(0xffffffff));
  assert.deepEqual(
    w.accept(frame(0)).map((f) => f.index),
    [1],
    'seq wraps',
  );
});

class FakeSink extends EventEmitter implements PageSink {
  chunks: Uint8Array[] = [];
  writableLength = 0;
  destroyed = false;
  ended = false;
  write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
}

void test('a listener gets the header pages first, then joins at the next page', () => {
  const s = new OggStream({ framesPerPage: 1 });
  const fan = new OggFanout(s);
  for (let i = 0; i < 3; i++) s.push(frame(i));
  const sink = new FakeSink();
  fan.attach(sink);
  s.push(frame(3));
  assert.equal(sink.chunks[0], s.headerPages());
  const pages = parsePages(Buffer.concat(sink.chunks));
  assert.deepEqual(
    pages.map((p) => p.sequence),
    [0, 1, 5],
  );
  assert.equal(fan.size, 1);
  fan.close();
  assert.ok(sink.ended);
  assert.equal(fan.size, 0);
});

void test('a slow listener skips pages and is ended after too many, others are unaffected', () => {
  const s = new OggStream({ framesPerPage: 1 });
  const fan = new OggFanout(s, { maxBufferedBytes: 1000, maxSkippedFrames: 10 });
  const slow = new FakeSink();
  const fast = new FakeSink();
  fan.attach(slow);
  fan.attach(fast);
  slow.writableLength = 5000;
  for (let i = 0; i < 5; i++) s.push(frame(i));
  assert.equal(slow.chunks.length, 1, 'only headers');
  assert.equal(fast.chunks.length, 6);
  slow.writableLength = 0; // it caught up
  s.push(frame(5));
  assert.equal(slow.chunks.length, 2);
  slow.writableLength = 5000;
  for (let i = 6; i < 20; i++) s.push(frame(i));
  assert.ok(slow.ended, 'dropped');
  assert.equal(fan.droppedListeners, 1);
  assert.equal(fan.size, 1);
  assert.equal(fast.chunks.length, 21);
  fan.close();
});

void test('an Ogg stream can start its granules where another left off', () => {
  const s = new OggStream({ framesPerPage: 10, startIndex: 500 });
  const out: Uint8Array[] = [];
  s.on('page', (p) => out.push(p.bytes));
  for (let i = 0; i < 10; i++) s.push(frame(i));
  assert.equal(parsePages(Buffer.concat(out))[0]?.granule, 510n * 960n);
  s.close();
});
