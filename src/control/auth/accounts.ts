/**
 * Sign-up and sign-in against the Store. Stable refusals:
 *   invalid_field    handle or password breaks the rules (sign-up; a non-string on sign-in)
 *   handle_taken     sign-up with a handle that exists (checked first, and again by the store)
 *   bad_credentials  sign-in with an unknown handle or a wrong password: the two take the
 *                    same time (an unknown handle still runs one scrypt verify on a dummy hash),
 *                    so timing does not reveal which handles exist
 */
import { randomUUID } from 'node:crypto';
import { RostraError } from '../../core/errors.js';
import type { Store } from '../../core/ports/store.js';
import { LIMITS } from '../../protocol/limits.js';
import { asUserId } from '../../protocol/ids.js';
import type { PublicUser } from '../../protocol/api.js';
import { hashPassword, normalizeHandle, validatePassword, verifyPassword } from './passwords.js';

export interface AccountOptions {
  /** ms since epoch; default Date.now */
  now?: () => number;
}

/** A hash of a random password with the current parameters, made once, for unknown handles. */
let dummyHash: Promise<string> | null = null;
const getDummyHash = () => (dummyHash ??= hashPassword(randomUUID()));

export async function signUp(
  store: Store,
  handle: string,
  password: string,
  options: AccountOptions = {},
): Promise<PublicUser> {
  const normalized = normalizeHandle(handle);
  validatePassword(password);
  if (await store.getAccountByHandle(normalized)) throw new RostraError('handle_taken');
  const account = {
    id: asUserId(randomUUID()),
    handle: normalized,
    passwordHash: await hashPassword(password),
    createdAt: (options.now ?? Date.now)(),
  };
  await store.createAccount(account); // throws handle_taken if another sign-up won the race
  return { id: account.id, handle: account.handle };
}

export async function signIn(store: Store, handle: string, password: string): Promise<PublicUser> {
  if (typeof handle !== 'string' || typeof password !== 'string') {
    throw new RostraError('invalid_field', 'handle and password must be strings');
  }
  let normalized: string | null;
  try {
    normalized = normalizeHandle(handle);
  } catch {
    normalized = null; // no account can have it; still spend the same time below
  }
  const dummy = await getDummyHash(); // awaited on every path, so the first call costs the same too
  const tooLong = [...password].length > LIMITS.maxPasswordLength;
  const account = normalized !== null && !tooLong ? await store.getAccountByHandle(normalized) : null;
  const ok = await verifyPassword(password, account?.passwordHash ?? dummy);
  if (!account || !ok) throw new RostraError('bad_credentials');
  return { id: account.id, handle: account.handle };
}

/** signUp/signIn bound to one store (fits control/ports.ts `AccountService`). */
export interface AccountService {
  signUp(handle: string, password: string): Promise<PublicUser>;
  signIn(handle: string, password: string): Promise<PublicUser>;
}

export const createAccountService = (store: Store, options: AccountOptions = {}): AccountService => ({
  signUp: (handle, password) => signUp(store, handle, password, options),
  signIn: (handle, password) => signIn(store, handle, password),
});
