import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedRateLimiter, TokenBucket } from './rate-limit.js';

test('a token bucket allows its burst, then refills at its rate', () => {
  let now = 0;
  const bucket = new TokenBucket(10, 3, () => now);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
  now += 100; // 0.1 s at 10/s = 1 token
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
  now += 10_000;
  assert.equal([0, 1, 2, 3].filter(() => bucket.take()).length, 3, 'refill is capped at capacity');
});

test('keyed limiters keep keys apart and never hold more than maxKeys', () => {
  let now = 0;
  const limiter = new KeyedRateLimiter(1, 1, 100, () => now);
  assert.equal(limiter.take('a'), true);
  assert.equal(limiter.take('a'), false);
  assert.equal(limiter.take('b'), true);
  for (let i = 0; i < 1000; i++) limiter.take(`k${i}`);
  assert.equal(limiter.size, 100);
  now += 1000;
});
