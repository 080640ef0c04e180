import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SpaceInfo } from '../../../protocol/space.js';
import type { SpaceAccess } from '../../../protocol/api.js';
import { RostraError, isRostraError } from '../../../core/errors.js';
import { actorOf, optionalPrincipal, requestUrl } from '../../principal.js';
import type { ControlDeps } from '../../ports.js';
import { spaceIdParam } from './spaces.js';

/**
 * The listening rule, checked against the store (it needs no loaded room, so it also serves
 * ended and scheduled Spaces): the Space exists, a signed-in caller is not banned, an
 * anonymous caller needs allowAnonymous; admins always pass. Throws the refusal's code.
 */
export async function admitFromStore(deps: ControlDeps, req: FastifyRequest): Promise<SpaceInfo> {
  const spaceId = spaceIdParam(req);
  const actor = actorOf(await optionalPrincipal(deps.tokens, req.headers, requestUrl(req)));
  const space = await deps.store.getSpace(spaceId);
  if (!space) throw new RostraError('space_not_found');
  if (actor.admin) return space;
  if (actor.userId === null || actor.anonymous) {
    if (!space.allowAnonymous) throw new RostraError('anonymous_not_allowed');
  } else if (await deps.store.isBanned(spaceId, actor.userId)) throw new RostraError('banned');
  return space;
}

/**
 * GET /v1/spaces/:id/access: would the caller be let in? The web app asks before it shows a
 * room, so a banned person is told so plainly instead of meeting a refused stream. A refusal
 * is an answer here (200, `allowed: false` with the catalog code), not an error; an unknown
 * Space is still space_not_found. Never cached: it depends on who asks.
 */
export function accessRoutes(app: FastifyInstance, deps: ControlDeps): void {
  app.get('/v1/spaces/:id/access', async (req, reply) => {
    let res: SpaceAccess;
    try {
      await admitFromStore(deps, req);
      res = { allowed: true };
    } catch (err) {
      if (!isRostraError(err) || (err.code !== 'banned' && err.code !== 'anonymous_not_allowed')) throw err;
      res = { allowed: false, code: err.code };
    }
    return reply.header('cache-control', 'private, no-store').send(res);
  });
}
