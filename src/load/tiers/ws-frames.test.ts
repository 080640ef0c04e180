import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAudioBatch } from '../../protocol/audience.js';
import { FrameReader, type FrameSink } from './ws-frames.js';

function serverFrame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127, 0, 0, 0, 0]), uint32(n)]);
  return Buffer.concat([head, payload]);
}
const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function recorder() {
  const seen: string[] = [];
  const sink: FrameSink = {
    batch: (kind, frames, seq, mixedAt) => seen.push(`batch ${kind} ${frames} ${seq} ${mixedAt}`),
    text: (p) => seen.push(`text ${p.toString()}`),
    closeFrame: (code, reason) => seen.push(`close ${code} ${reason}`),
    ping: (p) => seen.push(`ping ${p.length}`),
    protocolError: (w) => seen.push(`error ${w}`),
  };
  return { seen, reader: new FrameReader(sink) };
}

const opus = (n: number) => new Uint8Array(n).fill(7);
const batch = (seq: number, frames: number, size: number) =>
  encodeAudioBatch(
    Array.from({ length: frames }, (_, i) => ({ seq: seq + i, mixedAt: 1000 + 20 * i, opus: opus(size) })),
  );

void test('the reader sees every batch header and text frame whatever the chunking', () => {
  const stream = Buffer.concat([
    serverFrame(1, Buffer.from('{"type":"welcome"}')),
    serverFrame(2, batch(10, 3, 80)),
    serverFrame(2, batch(13, 10, 200)), // > 125 bytes: 16-bit length
    serverFrame(9, Buffer.from('hi')),
    serverFrame(2, batch(23, 255, 300)), // > 65535 bytes: 64-bit length
    serverFrame(8, Buffer.concat([Buffer.from([0x0f, 0xa0]), Buffer.from('bye')])),
  ]);
  const expected = [
    'text {"type":"welcome"}',
    'batch 1 3 10 1000',
    'batch 1 10 13 1000',
    'ping 2',
    'batch 1 255 23 1000',
    'close 4000 bye',
  ];
  for (const size of [stream.length, 1, 2, 7, 13, 100, 1000]) {
    const { seen, reader } = recorder();
    for (let i = 0; i < stream.length; i += size) reader.push(stream.subarray(i, i + size));
    assert.deepEqual(seen, expected, `chunks of ${size}`);
  }
});

void test('a masked frame from the server is a protocol error', () => {
  const { seen, reader } = recorder();
  reader.push(Buffer.from([0x82, 0x80 | 2, 0, 0, 0, 0, 1, 2]));
  assert.deepEqual(seen, ['error masked server frame']);
});
