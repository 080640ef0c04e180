import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RostraError } from '../../core/errors.js';
// The real embedded store: this unit test needs a Store, and the real one exists (no mocks).
import { SqliteStore } from '../../adapters/store-sqlite/sqlite-store.js';
import { verifyPassword } from './passwords.js';
import { createAccountService, signIn, signUp } from './accounts.js';

const rejectsWith = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (e: unknown) => e instanceof RostraError && e.code === code);

const withStore = (body: (store: SqliteStore) => Promise<void>) => async () => {
  const store = new SqliteStore({ path: ':memory:' });
  try {
    await body(store);
  } finally {
    await store.close();
  }
};

/**
 * ms per call of `a` and of `b`, the least of `runs` each, measured alternately so a change in
 * machine load hits both alike (the least is the least disturbed by other load)
 */
async function minMsInterleaved(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const best = [Infinity, Infinity];
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const t = performance.now();
      await fn().catch(() => {});
      best[k] = Math.min(best[k]!, performance.now() - t);
    }
  }
  return best as [number, number];
}

void describe('accounts', () => {
  void it(
    'sign-up stores a normalised handle and a scrypt hash, and sign-in returns the same user',
    withStore(async (store) => {
      const user = await signUp(store, ' Alice ', 'correct horse', { now: () => 1_790_000_000_000 });
      assert.equal(user.handle, 'alice');
      const stored = await store.getAccount(user.id);
      assert.equal(stored?.createdAt, 1_790_000_000_000);
      assert.notEqual(stored?.passwordHash, 'correct horse');
      assert.equal(await verifyPassword('correct horse', stored.passwordHash), true);
      assert.deepEqual(await signIn(store, 'ALICE', 'correct horse'), user);
    }),
  );

  void it(
    'a taken handle is refused with handle_taken, whatever its case',
    withStore(async (store) => {
      await signUp(store, 'bob', 'password-1');
      await rejectsWith(signUp(store, 'BOB', 'password-2'), 'handle_taken');
      await signIn(store, 'bob', 'password-1');
    }),
  );

  void it(
    'two sign-ups racing for one handle: exactly one wins',
    withStore(async (store) => {
      const results = await Promise.allSettled([
        signUp(store, 'carol', 'password-1'),
        signUp(store, 'carol', 'password-2'),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const lost = results.find((r) => r.status === 'rejected');
      assert.ok(lost?.reason instanceof RostraError && lost.reason.code === 'handle_taken');
    }),
  );

  void it(
    'bad handles and passwords are refused with invalid_field and store nothing',
    withStore(async (store) => {
      await rejectsWith(signUp(store, 'x', 'password-1'), 'invalid_field');
      await rejectsWith(signUp(store, 'dave', 'short'), 'invalid_field');
      await rejectsWith(signUp(store, 'dave', 'x'.repeat(201)), 'invalid_field');
      assert.equal(await store.getAccountByHandle('dave'), null);
    }),
  );

  void it(
    'a wrong password, an unknown handle and an impossible handle all give bad_credentials',
    withStore(async (store) => {
      await signUp(store, 'erin', 'password-1');
      await rejectsWith(signIn(store, 'erin', 'password-2'), 'bad_credentials');
      await rejectsWith(signIn(store, 'nobody', 'password-1'), 'bad_credentials');
      await rejectsWith(signIn(store, 'no way!', 'password-1'), 'bad_credentials');
      await rejectsWith(signIn(store, 'erin', 'x'.repeat(500)), 'bad_credentials');
    }),
  );

  void it(
    'an unknown handle takes as long as a wrong password (no timing oracle)',
    withStore(async (store) => {
      await signUp(store, 'frank', 'password-1');
      const [wrong, unknown] = await minMsInterleaved(
        5,
        () => signIn(store, 'frank', 'password-2'),
        () => signIn(store, 'nobody_here', 'password-2'),
      );
      const ratio = unknown / wrong;
      assert.ok(
        ratio > 0.6 && ratio < 1.6,
        `unknown ${unknown.toFixed(1)} ms vs wrong ${wrong.toFixed(1)} ms`,
      );
      assert.ok(unknown > 10, `an unknown handle still costs a scrypt verify (${unknown.toFixed(1)} ms)`);
    }),
  );

  void it(
    'the service object binds the functions to one store',
    withStore(async (store) => {
      const accounts = createAccountService(store);
      const user = await accounts.signUp('grace', 'password-1');
      assert.deepEqual(await accounts.signIn('grace', 'password-1'), user);
    }),
  );
});
