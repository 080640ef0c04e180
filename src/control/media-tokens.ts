/**
 * Signed media URLs for the HTTP audience tiers (LL-HLS, Ogg/Opus).
 *
 * A media token is `<exp>.<sig>`: `exp` is the expiry in seconds since epoch, `sig` the first
 * 128 bits (base64url) of HMAC-SHA256(key, "<spaceId>.<exp>"). The key is derived with HKDF
 * from the server's token secret, so every node of a cluster (which must share that secret
 * for JWTs anyway) verifies a token with no database lookup, and a media key can never be
 * used as a JWT key or the reverse.
 *
 * Buckets: `exp` is not now + ttl but the END of the issuing bucket + ttl, i.e. every listener
 * of a Space who asks within the same bucket (default 10 min) gets the SAME token, hence the
 * same URLs: a CDN caches one copy of each part per bucket instead of one per listener.
 * A token is therefore valid between `ttlS - bucketS` and `ttlS` after it was handed out.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { SpaceId } from '../protocol/ids.js';
import { RostraError } from '../core/errors.js';

export interface MediaTokenOptions {
  /** the server's token secret (the JWT secret; at least 32 bytes) */
  secret: Uint8Array;
  /** seconds a token is valid at most; default 2 h */
  ttlS?: number;
  /** seconds of one issuing bucket; default 10 min */
  bucketS?: number;
  /** ms since epoch */
  now?: () => number;
}

export const MEDIA_TOKEN_DEFAULTS = { ttlS: 2 * 3600, bucketS: 600 } as const;

/** bytes of the HMAC kept in the token (128 bits) */
const SIG_BYTES = 16;
const TOKEN = /^(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

export class MediaTokens {
  readonly ttlS: number;
  readonly bucketS: number;
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(opts: MediaTokenOptions) {
    if (opts.secret.byteLength < 32) throw new Error('the media token secret must be at least 32 bytes');
    this.ttlS = opts.ttlS ?? MEDIA_TOKEN_DEFAULTS.ttlS;
    this.bucketS = opts.bucketS ?? MEDIA_TOKEN_DEFAULTS.bucketS;
    if (!(this.bucketS > 0 && this.ttlS > this.bucketS))
      throw new Error('media tokens need 0 < bucketS < ttlS');
    this.#key = Buffer.from(hkdfSync('sha256', opts.secret, 'rostra', 'rostra media url v1', 32));
    this.#now = opts.now ?? Date.now;
  }

  /** The token every listener of `spaceId` gets in the current bucket; expiresAt in ms. */
  issue(spaceId: SpaceId): { token: string; expiresAt: number } {
    const nowS = Math.floor(this.#now() / 1000);
    const exp = Math.floor(nowS / this.bucketS) * this.bucketS + this.ttlS;
    return { token: `${exp}.${this.#sign(spaceId, exp)}`, expiresAt: exp * 1000 };
  }

  /** Throws media_token_invalid (forged, malformed, other Space) or media_token_expired. */
  verify(spaceId: SpaceId, token: string | undefined | null): void {
    const m = TOKEN.exec(token ?? '');
    if (!m) throw new RostraError('media_token_invalid');
    const exp = Number(m[1]);
    const given = Buffer.from(m[2] ?? '', 'base64url');
    const want = Buffer.from(this.#sign(spaceId, exp), 'base64url');
    if (given.length !== want.length || !timingSafeEqual(given, want))
      throw new RostraError('media_token_invalid');
    if (exp * 1000 <= this.#now()) throw new RostraError('media_token_expired');
  }

  #sign(spaceId: SpaceId, exp: number): string {
    return createHmac('sha256', this.#key)
      .update(`${spaceId}.${exp}`)
      .digest()
      .subarray(0, SIG_BYTES)
      .toString('base64url');
  }
}
