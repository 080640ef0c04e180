/**
 * Password hashing with scrypt (node:crypto), plus the input rules for passwords and handles.
 *
 * Stored format, self-describing so the parameters can change later without breaking old
 * hashes (verify reads them from the string; needsRehash says when to upgrade):
 *
 *   scrypt$v=1$n=32768,r=8,p=1,l=32$<salt, base64url>$<hash, base64url>
 *
 * n = CPU/memory cost (power of two), r = block size, p = parallelism, l = hash length in bytes.
 * Memory used per hash is about 128 * n * r bytes (32 MiB at the defaults).
 * Passwords are NFC-normalised first, so the same password typed on different systems matches.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { LIMITS } from '../../protocol/limits.js';
import { RostraError } from '../../core/errors.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two */
  n: number;
  /** block size */
  r: number;
  /** parallelism */
  p: number;
  /** derived hash length, bytes */
  keyLength: number;
  /** salt length, bytes */
  saltLength: number;
}

/** Current parameters: ~50-100 ms and 32 MiB per hash on the reference machine. */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { n: 32768, r: 8, p: 1, keyLength: 32, saltLength: 16 };

const PREFIX = 'scrypt';
const VERSION = 'v=1';

function derive(password: string, salt: Buffer, params: Omit<ScryptParams, 'saltLength'>): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.n,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.n * params.r + 1024 * 1024, // twice the need, so node does not refuse
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, params.keyLength, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(params.saltLength);
  const hash = await derive(password, salt, params);
  const p = `n=${params.n},r=${params.r},p=${params.p},l=${params.keyLength}`;
  return `${PREFIX}$${VERSION}$${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  keyLength: number;
  salt: Buffer;
  hash: Buffer;
}

const MAX_N = 2 ** 20; // refuse absurd costs read from storage (1 GiB of memory at r=8)

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== PREFIX || parts[1] !== VERSION) return null;
  const fields = new Map(parts[2]!.split(',').map((kv) => kv.split('=') as [string, string]));
  const num = (k: string) => Number(fields.get(k));
  const [n, r, p, keyLength] = [num('n'), num('r'), num('p'), num('l')];
  const salt = Buffer.from(parts[3]!, 'base64url');
  const hash = Buffer.from(parts[4]!, 'base64url');
  const ints = [n, r, p, keyLength].every((x) => Number.isInteger(x) && x > 0);
  if (!ints || n > MAX_N || (n & (n - 1)) !== 0 || hash.length !== keyLength || salt.length === 0)
    return null;
  return { n, r, p, keyLength, salt, hash };
}

/** Constant-time comparison. A malformed stored hash verifies as false (never throws). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed);
  return timingSafeEqual(candidate, parsed.hash);
}

/** true when the stored hash was made with other parameters than `params` (time to upgrade it) */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return (
    parsed.n !== params.n ||
    parsed.r !== params.r ||
    parsed.p !== params.p ||
    parsed.keyLength !== params.keyLength ||
    parsed.salt.length !== params.saltLength
  );
}

/** Length in characters (code points), as a person counts them. */
const charLength = (s: string) => [...s].length;

/** Returns the password if it fits LIMITS; otherwise RostraError('invalid_field'). */
export function validatePassword(password: unknown): string {
  if (typeof password !== 'string') {
    throw new RostraError('invalid_field', 'password must be a string', { details: { field: 'password' } });
  }
  const length = charLength(password.normalize('NFC'));
  if (length < LIMITS.minPasswordLength || length > LIMITS.maxPasswordLength) {
    throw new RostraError(
      'invalid_field',
      `password must be ${LIMITS.minPasswordLength} to ${LIMITS.maxPasswordLength} characters`,
      { details: { field: 'password' } },
    );
  }
  return password;
}

/**
 * Normalises a handle (trim, lower-case) and checks it against LIMITS.handlePattern.
 * Only ASCII input is accepted, so no Unicode character can lower-case into an ASCII look-alike
 * (e.g. the Kelvin sign K becoming 'k'). Throws RostraError('invalid_field').
 */
export function normalizeHandle(handle: unknown): string {
  const trimmed = typeof handle === 'string' ? handle.trim() : '';
  const lower = trimmed.toLowerCase();
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(trimmed) || !LIMITS.handlePattern.test(lower)) {
    throw new RostraError('invalid_field', 'handle must be 3 to 32 characters of a-z, 0-9 and _', {
      details: { field: 'handle' },
    });
  }
  return lower;
}
