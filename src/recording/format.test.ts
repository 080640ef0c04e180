import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toneFrames } from '../audience/ogg/testkit.js';
import { LOG_MAGIC, RECORD_OVERHEAD, encodeRecord, scanLog } from './format.js';

function log(n: number): Uint8Array {
  const parts = [LOG_MAGIC, ...toneFrames(n).map(encodeRecord)];
  return Buffer.concat(parts);
}

void test('a clean log scans to every frame with nothing left over', () => {
  const bytes = log(20);
  const scan = scanLog(bytes);
  assert.equal(scan.frames.length, 20);
  assert.equal(scan.validBytes, bytes.length);
  assert.equal(scan.tailBytes, 0);
});

void test('what a power loss can leave (zeros, garbage, a flipped bit) ends the valid part', () => {
  const good = log(10);
  const zeros = scanLog(Buffer.concat([good, new Uint8Array(4096)]));
  assert.deepEqual([zeros.frames.length, zeros.validBytes, zeros.tailBytes], [10, good.length, 4096]);
  const garbage = Buffer.concat([good, Buffer.from('not a record at all, just noise')]);
  assert.equal(scanLog(garbage).validBytes, good.length);
  // a bit flipped inside the 6th record's Opus bytes: its CRC fails, the scan stops there
  const flipped = Buffer.from(log(10));
  const sixth = scanLog(log(5)).validBytes; // where the 6th record starts
  flipped[sixth + RECORD_OVERHEAD - 4 + 2]! ^= 0x10;
  assert.equal(scanLog(flipped).frames.length, 5);
  assert.equal(scanLog(flipped).validBytes, sixth);
});

void test('a torn magic or an empty file has no valid bytes', () => {
  assert.equal(scanLog(LOG_MAGIC.subarray(0, 5)).validBytes, 0);
  assert.equal(scanLog(new Uint8Array(0)).validBytes, 0);
  assert.equal(scanLog(LOG_MAGIC).validBytes, LOG_MAGIC.length);
});
