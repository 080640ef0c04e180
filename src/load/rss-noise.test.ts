import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RSS_NOISE_BYTES, rssPerListenerText } from './command.js';

const MB = 2 ** 20;

void test('the load summary gives memory per listener only when RSS rose above the noise', () => {
  // 20 listeners, RSS fell by 3 MB between baseline and peak: no negative figure
  const small = rssPerListenerText({
    rssBaselineBytes: 100 * MB,
    rssPeakBytes: 97 * MB,
    rssPerListenerBytes: -157286,
  });
  assert.match(small, /below the noise/);
  assert.doesNotMatch(small, /-\d+ B per listener/);
  const big = rssPerListenerText({
    rssBaselineBytes: 100 * MB,
    rssPeakBytes: 100 * MB + RSS_NOISE_BYTES + 50 * MB,
    rssPerListenerBytes: 5120,
  });
  assert.equal(big, '5120 B per listener');
});
