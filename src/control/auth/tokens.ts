/**
 * Access tokens: JWT signed with HS256 (jose). Claims:
 *   sub     UserId (for anonymous listeners a fresh random id, see mintAnonymous)
 *   handle  the account's handle ('' is allowed for anonymous listeners)
 *   grants  Grant[] from protocol/api.ts
 *   anon    true for anonymous listener tokens, which may carry only the 'listen' grant
 *   iss     'rostra'; iat and exp in seconds since epoch (JWT standard)
 * verify() returns a typed Principal or throws RostraError('token_expired' | 'unauthenticated').
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { RostraError } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/ports/clock.js';
import { Grant } from '../../protocol/api.js';
import { asUserId, isId, type UserId } from '../../protocol/ids.js';
import type { PublicUser } from '../../protocol/api.js';
import { randomUUID } from 'node:crypto';

/** Who a verified token speaks for (fits control/ports.ts `Principal`, plus expiresAt). */
export interface Principal {
  userId: UserId;
  handle: string;
  grants: readonly Grant[];
  /** from the `anon` claim: an anonymous listener token */
  anonymous: boolean;
  /** ms since epoch */
  expiresAt: number;
}

export interface TokenServiceOptions {
  /** HS256 key, at least 32 bytes (see secret.ts) */
  secret: Uint8Array;
  clock?: Clock;
  /** lifetime of a minted token, seconds; default 24 h */
  ttlS?: number;
  /** clock skew accepted on exp/iat between nodes, seconds; default 5 */
  clockToleranceS?: number;
}

export interface MintOptions {
  /** an anonymous listener token: grants must be just 'listen' */
  anon?: boolean;
  /** overrides the service's lifetime, seconds */
  ttlS?: number;
}

/** Grants of a signed-up account unless told otherwise. */
export const DEFAULT_GRANTS: readonly Grant[] = [Grant.listen, Grant.speak];
export const DEFAULT_TOKEN_TTL_S = 24 * 60 * 60;
export const ISSUER = 'rostra';
export const MIN_SECRET_BYTES = 32;

const GRANTS = new Set<string>(Object.values(Grant));
const isGrantList = (v: unknown): v is Grant[] =>
  Array.isArray(v) && v.every((g) => typeof g === 'string' && GRANTS.has(g));
const anonAllowed = (grants: readonly Grant[]) => grants.every((g) => g === Grant.listen);

export class TokenService {
  readonly #secret: Uint8Array;
  readonly #clock: Clock;
  readonly #ttlS: number;
  readonly #toleranceS: number;

  constructor(options: TokenServiceOptions) {
    if (options.secret.length < MIN_SECRET_BYTES) {
      throw new Error(`token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.#secret = options.secret;
    this.#clock = options.clock ?? systemClock;
    this.#ttlS = options.ttlS ?? DEFAULT_TOKEN_TTL_S;
    if (!(this.#ttlS > 0)) throw new Error('token ttlS must be > 0');
    this.#toleranceS = options.clockToleranceS ?? 5;
  }

  /** Signs a token for `user`; `expiresAt` is ms since epoch (whole seconds, as `exp` is). */
  async mint(
    user: PublicUser,
    grants: readonly Grant[] = DEFAULT_GRANTS,
    options: MintOptions = {},
  ): Promise<{ token: string; expiresAt: number }> {
    const anon = options.anon ?? false;
    if (!isId(user.id)) throw new Error('token subject must be an id');
    if (!isGrantList(grants)) throw new Error('unknown grant');
    if (anon && !anonAllowed(grants)) throw new Error('an anonymous token may only carry the listen grant');
    const nowS = Math.floor(this.#clock.now() / 1000);
    const exp = nowS + Math.ceil(options.ttlS ?? this.#ttlS);
    const token = await new SignJWT({ handle: user.handle, grants: [...grants], anon })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setIssuedAt(nowS)
      .setExpirationTime(exp)
      .sign(this.#secret);
    return { token, expiresAt: exp * 1000 };
  }

  /** A listen-only token for someone without an account; sub is a fresh random id. */
  mintAnonymous(ttlS?: number): Promise<{ token: string; expiresAt: number; userId: UserId }> {
    const id = asUserId(`anon-${randomUUID()}`);
    return this.mint({ id, handle: '' }, [Grant.listen], { anon: true, ttlS }).then((m) => ({
      ...m,
      userId: id,
    }));
  }

  /** Checks signature, algorithm, issuer, expiry and claim shapes. */
  async verify(token: unknown): Promise<Principal> {
    if (typeof token !== 'string' || token === '') throw new RostraError('unauthenticated');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: this.#toleranceS,
        currentDate: new Date(this.#clock.now()),
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new RostraError('token_expired', undefined, { cause: e });
      throw new RostraError('unauthenticated', undefined, { cause: e });
    }
    const { sub, handle, grants, anon, exp } = payload;
    const shapeOk =
      isId(sub) &&
      typeof handle === 'string' &&
      isGrantList(grants) &&
      typeof anon === 'boolean' &&
      typeof exp === 'number' &&
      (!anon || anonAllowed(grants));
    if (!shapeOk) throw new RostraError('unauthenticated', 'the token claims are malformed');
    return { userId: sub as UserId, handle, grants, anonymous: anon, expiresAt: exp * 1000 };
  }
}

export const createTokenService = (options: TokenServiceOptions): TokenService => new TokenService(options);
