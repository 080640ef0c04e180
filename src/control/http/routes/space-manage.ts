import type { FastifyInstance } from 'fastify';
import { SpaceState } from '../../../protocol/space.js';
import type { SpacePatch } from '../../../core/ports/store.js';
import { RostraError } from '../../../core/errors.js';
import { parseListenerQuery } from '../../../core/space/index.js';
import { validateSchedule } from '../../../core/space/schedule.js';
import { editSpaceSchema } from '../../validation/schemas.js';
import { validate } from '../../validation/parse.js';
import { actorOf, requestUrl, requirePrincipal } from '../../principal.js';
import type { ControlDeps } from '../../ports.js';
import { spaceIdParam } from './spaces.js';

/**
 * What a host does to a Space outside the stage socket:
 *
 *   PATCH /v1/spaces/:id            title, description, scheduledFor of a SCHEDULED Space
 *                                   (its host or an admin; cancel = the end_space action)
 *   GET   /v1/spaces/:id/listeners  ?q=&cursor=&limit=  one page of the signed-in people
 *                                   listening now (host, co-hosts, admins; core listener-list.ts)
 */
export function spaceManageRoutes(app: FastifyInstance, deps: ControlDeps): void {
  app.patch('/v1/spaces/:id', async (req) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const id = spaceIdParam(req);
    const body = validate(editSpaceSchema, req.body);
    const space = await deps.store.getSpace(id);
    if (!space) throw new RostraError('space_not_found');
    if (space.hostId !== principal.userId && !actorOf(principal).admin) throw new RostraError('forbidden');
    if (space.state !== SpaceState.scheduled) throw new RostraError('space_not_scheduled');
    if (body.scheduledFor !== undefined) validateSchedule(deps.now(), body.scheduledFor);
    const patch: SpacePatch = {};
    if (body.title !== undefined) patch.title = body.title;
    if (body.description !== undefined) patch.description = body.description;
    if (body.scheduledFor !== undefined) patch.scheduledFor = body.scheduledFor;
    // compare-and-set on `scheduled`: an edit cannot land on a Space that opened meanwhile
    const updated = await deps.store.updateSpace(id, patch, SpaceState.scheduled);
    if (!updated) throw new RostraError('space_not_scheduled');
    deps.log.info({ spaceId: id, fields: Object.keys(patch) }, 'scheduled space edited');
    return { space: updated };
  });

  app.get('/v1/spaces/:id/listeners', async (req, reply) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const params = requestUrl(req).searchParams;
    const query = parseListenerQuery({
      q: params.get('q') ?? undefined,
      cursor: params.get('cursor') ?? undefined,
      limit: params.get('limit') ?? undefined,
    });
    const room = await deps.hub.room(spaceIdParam(req));
    const page = await room.listeners(actorOf(principal), query);
    return reply.header('cache-control', 'private, no-store').send(page);
  });
}
