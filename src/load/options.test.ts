import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdLimit, FD_RESERVE, isLoopback, LOAD_HELP, parseLoadFlags } from './options.js';

void test('the load tool targets loopback only unless --allow-remote is given', () => {
  assert.throws(() => parseLoadFlags({ '--url': 'http://10.0.0.5:8080' }), /not a loopback address/);
  assert.throws(() => parseLoadFlags({ '--url': 'http://example.com' }), /--allow-remote/);
  assert.equal(
    parseLoadFlags({ '--url': 'http://example.com', '--allow-remote': 'true' }).url,
    'http://example.com',
  );
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]']) assert.ok(isLoopback(h), h);
  assert.ok(!isLoopback('128.0.0.1'));
  assert.throws(() => parseLoadFlags({ '--url': 'https://127.0.0.1' }), /http:\/\//);
});

void test('--listen-url points listeners at a cache in front of the node, under the same rules', () => {
  const o = parseLoadFlags({ '--tier': 'hls', '--listen-url': 'http://127.0.0.1:8081/ignored/path' });
  assert.equal(o.listenUrl, 'http://127.0.0.1:8081');
  assert.equal(o.url, 'http://127.0.0.1:8080', 'set-up still goes to the node');
  assert.equal(parseLoadFlags({}).listenUrl, '', 'listeners go to the node by default');
  assert.throws(
    () => parseLoadFlags({ '--listen-url': 'http://10.0.0.5' }),
    /--listen-url 10\.0\.0\.5 is not a loopback/,
  );
  assert.throws(() => parseLoadFlags({ '--listen-url': 'https://127.0.0.1' }), /--listen-url must be http/);
  assert.throws(() => parseLoadFlags({ '--listen-url': 'nope' }), /--listen-url nope is not a URL/);
  assert.throws(
    () => parseLoadFlags({ '--listen-url': 'http://127.0.0.1:1', '--ogg-url': 'http://127.0.0.1:2/a' }),
    /--ogg-url/,
  );
});

void test('a listener count above what ulimit -n allows is refused, and the help says so', () => {
  const max = fdLimit() - FD_RESERVE;
  assert.equal(parseLoadFlags({ '--listeners': String(max) }).listeners, max);
  assert.throws(() => parseLoadFlags({ '--listeners': String(max + 1) }), /ulimit -n/);
  assert.match(LOAD_HELP, /19,900 sockets/);
});

void test('bad flags are refused with the flag named; defaults are bounded', () => {
  assert.throws(() => parseLoadFlags({ '--listners': '5' }), /unknown flag --listners/);
  assert.throws(() => parseLoadFlags({ '--mode': 'flood' }), /--mode/);
  assert.throws(() => parseLoadFlags({ '--duration': '0' }), /--duration/);
  assert.throws(() => parseLoadFlags({ '--duration': '99999' }), /--duration/);
  assert.throws(() => parseLoadFlags({ '--speakers': '12' }), /--speakers/);
  assert.throws(() => parseLoadFlags({ '--space': 'abc', '--speakers': '1' }), /--token/);
  const d = parseLoadFlags({});
  assert.equal(d.durationS, 30);
  assert.equal(d.mode, 'steady');
  assert.equal(d.tier, 'websocket');
  assert.equal(parseLoadFlags({ '--mode': 'storm' }).rampS, 5);
});
