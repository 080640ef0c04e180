import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Role, SpaceState } from '../../../protocol/space.js';
import { RESTREAM_VIDEO } from '../../../protocol/restream.js';
import { RostraError } from '../../../core/errors.js';
import { actorOf, requestUrl, requirePrincipal } from '../../principal.js';
import type { ControlDeps } from '../../ports.js';
import { validate } from '../../validation/parse.js';
import { startRestreamSchema } from '../../validation/schemas.js';
import { spaceIdParam } from './spaces.js';

/**
 * RTMP restream of a live Space, for its host and co-hosts (and admins):
 *   POST   /v1/spaces/:id/restream  { url, video? }  -> 201 { restream }   (replaces a running one)
 *   GET    /v1/spaces/:id/restream                   -> { restream | null }
 *   DELETE /v1/spaces/:id/restream                   -> { stopped }
 * The restream runs on the node that took the POST (docs/restream.md).
 */
export function restreamRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const restreams = deps.restreams;
  if (!restreams) return;

  /** the Space's id once the caller is shown to lead it */
  const leader = async (req: FastifyRequest) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const spaceId = spaceIdParam(req);
    const room = await deps.hub.room(spaceId);
    const actor = actorOf(principal);
    const role = actor.userId ? room.roleOf(actor.userId) : Role.listener;
    if (!actor.admin && role !== Role.host && role !== Role.cohost) {
      throw new RostraError('forbidden', 'only the host or a co-host can restream a Space');
    }
    return { spaceId, room };
  };

  /** after the Space ended (no room any more) its host may still read how the restream ended */
  const endedSpaceOfHost = async (req: FastifyRequest, err: unknown) => {
    if (!(err instanceof RostraError) || err.code !== 'space_ended') throw err;
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const space = await deps.store.getSpace(spaceIdParam(req));
    if (!space || (space.hostId !== principal.userId && !actorOf(principal).admin)) throw err;
    return space.id;
  };

  app.post('/v1/spaces/:id/restream', async (req, reply) => {
    const body = validate(startRestreamSchema, req.body);
    const { spaceId, room } = await leader(req);
    if (room.state !== SpaceState.live) throw new RostraError('space_not_live');
    const restream = await restreams.start(spaceId, body.url, body.video ?? RESTREAM_VIDEO.color);
    return reply.code(201).header('cache-control', 'no-store').send({ restream });
  });

  app.get('/v1/spaces/:id/restream', async (req, reply) => {
    const spaceId = await leader(req).then(
      (l) => l.spaceId,
      (err: unknown) => endedSpaceOfHost(req, err),
    );
    return reply.header('cache-control', 'no-store').send({ restream: restreams.status(spaceId) });
  });

  app.delete('/v1/spaces/:id/restream', async (req) => {
    const { spaceId } = await leader(req);
    return { stopped: await restreams.stop(spaceId) };
  });
}
