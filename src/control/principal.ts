import type { FastifyRequest } from 'fastify';
import { RostraError } from '../core/errors.js';
import type { Actor } from '../core/space/room.js';
import { Grant } from '../protocol/api.js';
import type { Principal, TokenVerifier } from './ports.js';

/** The bearer token of a request: `Authorization: Bearer …` or `?token=` (sockets, media URLs). */
export function tokenOf(headers: Record<string, string | string[] | undefined>, url: URL): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return url.searchParams.get('token');
}

export function requestUrl(req: Pick<FastifyRequest, 'url'>): URL {
  return new URL(req.url, 'http://localhost');
}

/** Verifies the token if there is one; null when none was sent. */
export async function optionalPrincipal(
  tokens: TokenVerifier,
  headers: Record<string, string | string[] | undefined>,
  url: URL,
): Promise<Principal | null> {
  const token = tokenOf(headers, url);
  return token === null ? null : tokens.verify(token);
}

export async function requirePrincipal(
  tokens: TokenVerifier,
  headers: Record<string, string | string[] | undefined>,
  url: URL,
): Promise<Principal> {
  const principal = await optionalPrincipal(tokens, headers, url);
  if (!principal || principal.anonymous) throw new RostraError('unauthenticated');
  return principal;
}

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { userId: null, handle: 'anonymous', anonymous: true, admin: false };
  return {
    userId: principal.anonymous ? null : principal.userId,
    handle: principal.handle,
    anonymous: principal.anonymous,
    admin: principal.grants.includes(Grant.admin),
  };
}
