import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, parseTrustedProxies } from './client-address.js';

const nginx = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, fd00::/8');

test('with no trusted proxies X-Forwarded-For is never read', () => {
  const none = parseTrustedProxies('');
  assert.equal(none.any, false);
  assert.equal(clientAddress(none, '127.0.0.1', '203.0.113.9'), '127.0.0.1');
});

test('behind a trusted proxy the client is the rightmost address that is not a proxy', () => {
  assert.equal(clientAddress(nginx, '127.0.0.1', '198.51.100.7'), '198.51.100.7');
  assert.equal(clientAddress(nginx, '::ffff:127.0.0.1', '198.51.100.7, 10.1.2.3'), '198.51.100.7');
  assert.equal(clientAddress(nginx, '127.0.0.1', ['198.51.100.7', '10.1.2.3']), '198.51.100.7');
  assert.equal(clientAddress(nginx, 'fd00::1', '2001:db8::5'), '2001:db8::5');
});

test('a client cannot spoof its address by sending X-Forwarded-For itself', () => {
  // through the proxy: the client wrote "1.2.3.4", the proxy appended the peer it saw
  assert.equal(clientAddress(nginx, '127.0.0.1', '1.2.3.4, 198.51.100.7'), '198.51.100.7');
  // straight to the node from an untrusted peer: the header is ignored
  assert.equal(clientAddress(nginx, '198.51.100.7', '1.2.3.4'), '198.51.100.7');
});

test('a malformed hop stops the walk at the last trusted address', () => {
  assert.equal(clientAddress(nginx, '127.0.0.1', 'nonsense'), '127.0.0.1');
  assert.equal(clientAddress(nginx, '127.0.0.1', '198.51.100.7, garbage, 10.0.0.1'), '10.0.0.1');
  assert.equal(clientAddress(nginx, '127.0.0.1', '10.0.0.2, 10.0.0.1'), '10.0.0.2', 'all trusted: leftmost');
});

test('a bad entry in the list is refused with its text', () => {
  assert.throws(() => parseTrustedProxies('127.0.0.1,localhost'), /'localhost'/);
  assert.throws(() => parseTrustedProxies('10.0.0.0/33'), /prefix/);
});
