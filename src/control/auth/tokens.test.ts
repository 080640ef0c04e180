import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { RostraError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../../core/ports/clock.js';
import { asUserId } from '../../protocol/ids.js';
import { TokenService, createTokenService } from './tokens.js';
import { SECRET_FILE, loadTokenSecret } from './secret.js';

/** a clock the test moves by hand; ms since epoch */
const manualClock = (start: number): Clock & { ms: number } => {
  const c = { ...systemClock, ms: start, now: () => c.ms };
  return c;
};
const rejectsWith = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (e: unknown) => e instanceof RostraError && e.code === code);

const secret = randomBytes(32);
const alice = { id: asUserId('user-alice'), handle: 'alice' };
const T0 = 1_790_000_000_000; // ms

void describe('tokens', () => {
  void it('a minted token verifies to the same user, grants and expiry', async () => {
    const clock = manualClock(T0);
    const tokens = new TokenService({ secret, clock, ttlS: 3600 });
    const { token, expiresAt } = await tokens.mint(alice, ['listen', 'speak', 'admin']);
    assert.equal(expiresAt, T0 + 3600 * 1000);
    assert.deepEqual(await tokens.verify(token), {
      userId: 'user-alice',
      handle: 'alice',
      grants: ['listen', 'speak', 'admin'],
      anonymous: false,
      expiresAt,
    });
  });

  void it('an account token carries listen and speak unless told otherwise', async () => {
    const tokens = createTokenService({ secret });
    const principal = await tokens.verify((await tokens.mint(alice)).token);
    assert.deepEqual(principal.grants, ['listen', 'speak']);
    assert.ok(Math.abs(principal.expiresAt - (Date.now() + 24 * 3600 * 1000)) < 2000);
  });

  void it('an expired token is refused with token_expired, within a 5 s skew it still passes', async () => {
    const clock = manualClock(T0);
    const tokens = new TokenService({ secret, clock, ttlS: 60 });
    const { token } = await tokens.mint(alice);
    clock.ms = T0 + 63_000; // 3 s past exp: tolerated skew
    assert.equal((await tokens.verify(token)).userId, alice.id);
    clock.ms = T0 + 66_000;
    await rejectsWith(tokens.verify(token), 'token_expired');
  });

  void it('tokens signed with another secret, altered, unsigned or not JWTs are unauthenticated', async () => {
    const tokens = new TokenService({ secret });
    const other = new TokenService({ secret: randomBytes(32) });
    await rejectsWith(tokens.verify((await other.mint(alice)).token), 'unauthenticated');
    const [h, p, s] = (await tokens.mint(alice)).token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), grants: ['admin'] }),
    );
    await rejectsWith(tokens.verify(`${h}.${forged.toString('base64url')}.${s}`), 'unauthenticated');
    const unsigned = new UnsecuredJWT({ handle: 'x', grants: ['admin'], anon: false })
      .setSubject('user-x')
      .setIssuer('rostra')
      .setExpirationTime('1h')
      .encode();
    await rejectsWith(tokens.verify(unsigned), 'unauthenticated');
    for (const junk of ['', 'abc', 'a.b.c', 42, null])
      await rejectsWith(tokens.verify(junk), 'unauthenticated');
  });

  void it('only HS256 from issuer rostra with well-formed claims is accepted', async () => {
    const tokens = new TokenService({ secret });
    const sign = (claims: Record<string, unknown>, alg = 'HS256', iss = 'rostra') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg })
        .setSubject('user-x')
        .setIssuer(iss)
        .setExpirationTime('1h')
        .sign(secret);
    const good = { handle: 'x', grants: ['listen'], anon: false };
    assert.equal((await tokens.verify(await sign(good))).handle, 'x');
    await rejectsWith(tokens.verify(await sign(good, 'HS512')), 'unauthenticated');
    await rejectsWith(tokens.verify(await sign(good, 'HS256', 'someone-else')), 'unauthenticated');
    await rejectsWith(tokens.verify(await sign({ ...good, grants: ['root'] })), 'unauthenticated');
    await rejectsWith(tokens.verify(await sign({ ...good, grants: undefined })), 'unauthenticated');
    await rejectsWith(tokens.verify(await sign({ ...good, anon: 'no' })), 'unauthenticated');
    await rejectsWith(tokens.verify(await sign({ ...good, handle: 7 })), 'unauthenticated');
    // an anonymous token that claims more than listening is refused even when signed correctly
    await rejectsWith(
      tokens.verify(await sign({ ...good, anon: true, grants: ['listen', 'speak'] })),
      'unauthenticated',
    );
  });

  void it('an anonymous listener token is listen-only and gets a fresh id', async () => {
    const tokens = new TokenService({ secret });
    const a = await tokens.mintAnonymous();
    const b = await tokens.mintAnonymous(60);
    const principal = await tokens.verify(a.token);
    assert.deepEqual(
      { ...principal, expiresAt: 0 },
      { userId: a.userId, handle: '', grants: ['listen'], anonymous: true, expiresAt: 0 },
    );
    assert.notEqual(a.userId, b.userId);
    await assert.rejects(tokens.mint(alice, ['listen', 'speak'], { anon: true }), /listen grant/);
  });

  void it('a short secret or a bad subject is refused', async () => {
    assert.throws(() => new TokenService({ secret: randomBytes(31) }), /32 bytes/);
    const tokens = new TokenService({ secret });
    await assert.rejects(tokens.mint({ id: asUserId('has space'), handle: 'x' }), /subject/);
  });
});

void describe('token secret', () => {
  const withDir = (body: (dir: string) => Promise<void>) => async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rostra-secret-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  void it(
    'is created once in the data dir with mode 0600 and reused after a restart',
    withDir(async (dir) => {
      const dataDir = join(dir, 'data');
      const first = await loadTokenSecret({ dataDir });
      assert.equal(first.length, 32);
      const path = join(dataDir, SECRET_FILE);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const again = await loadTokenSecret({ dataDir, secret: '' });
      assert.deepEqual(again, first);
      // a token minted before the "restart" verifies after it
      const token = (await new TokenService({ secret: first }).mint(alice)).token;
      assert.equal((await new TokenService({ secret: again }).verify(token)).handle, 'alice');
    }),
  );

  void it(
    'concurrent first starts agree on one secret',
    withDir(async (dir) => {
      const all = await Promise.all(Array.from({ length: 8 }, () => loadTokenSecret({ dataDir: dir })));
      for (const s of all) assert.deepEqual(s, all[0]);
      assert.equal(readFileSync(join(dir, SECRET_FILE), 'utf8').trim().length, 43);
    }),
  );

  void it(
    'a configured secret wins over the file and must be at least 32 bytes',
    withDir(async (dir) => {
      const configured = 'x'.repeat(40);
      assert.deepEqual(
        await loadTokenSecret({ dataDir: dir, secret: configured }),
        new TextEncoder().encode(configured),
      );
      await assert.rejects(loadTokenSecret({ dataDir: dir, secret: 'short' }), /32 bytes/);
    }),
  );

  void it(
    'a truncated secret file is refused rather than used',
    withDir(async (dir) => {
      writeFileSync(join(dir, SECRET_FILE), 'abc\n');
      await assert.rejects(loadTokenSecret({ dataDir: dir }), /fewer than 32 bytes/);
    }),
  );
});
