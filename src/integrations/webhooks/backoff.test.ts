import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RETRY_DELAYS_MS, retryDelayMs } from './backoff.js';

void describe('webhook retry backoff', () => {
  void it('waits longer after each failure and stays at the last step', () => {
    const mid = () => 0.5;
    assert.equal(retryDelayMs(1, RETRY_DELAYS_MS, mid), 5_000);
    assert.equal(retryDelayMs(2, RETRY_DELAYS_MS, mid), 30_000);
    assert.equal(retryDelayMs(50, RETRY_DELAYS_MS, mid), RETRY_DELAYS_MS.at(-1));
  });

  void it('spreads retries by at most 20 % either way', () => {
    assert.equal(
      retryDelayMs(1, [1000], () => 0),
      800,
    );
    assert.equal(
      retryDelayMs(1, [1000], () => 1),
      1200,
    );
  });
});
