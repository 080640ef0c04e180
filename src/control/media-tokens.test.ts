import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asSpaceId } from '../protocol/ids.js';
import { MediaTokens } from './media-tokens.js';

const secret = randomBytes(32);
const space = asSpaceId('spaceAAAAAAA');
const other = asSpaceId('spaceBBBBBBB');

function at(ms: number): { tokens: MediaTokens; set(ms: number): void } {
  let now = ms;
  const tokens = new MediaTokens({ secret, ttlS: 7200, bucketS: 600, now: () => now });
  return { tokens, set: (t) => (now = t) };
}

void describe('media tokens', () => {
  void it('every listener in one 10-minute bucket gets the same token', () => {
    const t0 = Date.UTC(2026, 10, 23, 12, 0, 0);
    const clock = at(t0 + 1000);
    const a = clock.tokens.issue(space);
    clock.set(t0 + 599_000);
    const b = clock.tokens.issue(space);
    assert.equal(a.token, b.token);
    assert.equal(a.expiresAt, t0 + 7200_000);
    clock.set(t0 + 600_000);
    const c = clock.tokens.issue(space);
    assert.notEqual(c.token, a.token);
    assert.equal(c.expiresAt, t0 + 600_000 + 7200_000);
  });

  void it('a token is valid for at least ttl - bucket and expires at its expiry', () => {
    const t0 = Date.UTC(2026, 10, 23, 12, 9, 59);
    const clock = at(t0);
    const { token, expiresAt } = clock.tokens.issue(space);
    assert.ok(expiresAt - t0 > (7200 - 600) * 1000);
    clock.tokens.verify(space, token);
    clock.set(expiresAt - 1);
    clock.tokens.verify(space, token);
    clock.set(expiresAt);
    assert.throws(() => clock.tokens.verify(space, token), { code: 'media_token_expired' });
  });

  void it('another node with the same secret verifies without any shared state', () => {
    const now = Date.now();
    const a = new MediaTokens({ secret, now: () => now });
    const b = new MediaTokens({ secret: Uint8Array.from(secret), now: () => now });
    b.verify(space, a.issue(space).token);
  });

  void it('tokens of another Space, another secret, altered or malformed are invalid', () => {
    const now = Date.now();
    const tokens = new MediaTokens({ secret, now: () => now });
    const { token } = tokens.issue(space);
    assert.throws(() => tokens.verify(other, token), { code: 'media_token_invalid' });
    const stranger = new MediaTokens({ secret: randomBytes(32), now: () => now });
    assert.throws(() => stranger.verify(space, token), { code: 'media_token_invalid' });
    const [exp, sig] = token.split('.') as [string, string];
    // a later expiry with the old signature
    assert.throws(() => tokens.verify(space, `${Number(exp) + 600}.${sig}`), { code: 'media_token_invalid' });
    const flipped = sig.slice(0, 5) + (sig[5] === 'A' ? 'B' : 'A') + sig.slice(6);
    assert.throws(() => tokens.verify(space, `${exp}.${flipped}`), { code: 'media_token_invalid' });
    for (const bad of ['', 'x', `${exp}`, `${exp}.`, `${exp}.${sig}x`, `-1.${sig}`, null, undefined])
      assert.throws(() => tokens.verify(space, bad), { code: 'media_token_invalid' });
  });

  void it('refuses a short secret or a bucket not shorter than the ttl', () => {
    assert.throws(() => new MediaTokens({ secret: randomBytes(31) }), /32 bytes/);
    assert.throws(() => new MediaTokens({ secret, ttlS: 600, bucketS: 600 }), /bucketS/);
  });
});
