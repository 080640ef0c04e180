import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressCaps } from './address-caps.js';

test('an address holds at most max connections; a release frees a place once', () => {
  const caps = new AddressCaps(2, () => false);
  const a = caps.acquire('198.51.100.7');
  const b = caps.acquire('198.51.100.7');
  assert.ok(a && b);
  assert.equal(caps.acquire('198.51.100.7'), null);
  assert.ok(caps.acquire('203.0.113.1'), 'other addresses are not affected');
  a();
  a();
  assert.equal(caps.count('198.51.100.7'), 1, 'a second release of the same place is ignored');
  assert.ok(caps.acquire('198.51.100.7'));
  assert.equal(caps.refused, 1);
});

test('exempt addresses and a cap of 0 are never counted', () => {
  const caps = new AddressCaps(1, (a) => a === '127.0.0.1');
  for (let i = 0; i < 5; i++) assert.ok(caps.acquire('127.0.0.1'));
  const off = new AddressCaps(0, () => false);
  for (let i = 0; i < 5; i++) assert.ok(off.acquire('198.51.100.7'));
});
