/**
 * The operator's API (admin grant; docs/admin.md):
 *   GET  /v1/admin/spaces                              -> { spaces: [{ space, counts, stage }] }  live and backstage
 *   POST /v1/admin/spaces/:id/end                      -> { space }   ends a Space now
 *   GET  /v1/admin/webhooks/deliveries?state=&spaceId=&limit=  -> { deliveries }  the delivery log, newest first
 *   POST /v1/admin/webhooks/deliveries/:id/retry       -> { retried: true }  a failed delivery is sent again
 * Secrets never leave in these answers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Grant } from '../../../protocol/api.js';
import { SpaceState } from '../../../protocol/space.js';
import { RostraError } from '../../../core/errors.js';
import type { WebhookDelivery } from '../../../core/ports/webhook-outbox.js';
import { actorOf, requestUrl, requirePrincipal } from '../../principal.js';
import { deliveryQuerySchema } from '../../validation/schemas.js';
import { validate } from '../../validation/parse.js';
import type { ControlDeps } from '../../ports.js';
import { spaceIdParam } from './spaces.js';

const DELIVERY_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** what the log shows of a delivery: everything but the signing secret */
const logEntry = ({ secret: _secret, ...d }: WebhookDelivery) => d;

export function adminRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const operator = async (req: FastifyRequest) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    if (!principal.grants.includes(Grant.admin)) throw new RostraError('forbidden', 'needs the admin grant');
    return principal;
  };

  app.get('/v1/admin/spaces', async (req) => {
    await operator(req);
    const open = await deps.store.listSpaces({ states: [SpaceState.live, SpaceState.backstage], limit: 500 });
    const spaces = await Promise.all(
      open.map(async (space) => {
        try {
          const snap = (await deps.hub.room(space.id)).snapshot();
          return { space: snap.space, counts: snap.counts, stage: snap.stage.length };
        } catch {
          // its home cannot be reached right now: the stored facts, no live counts
          return { space, counts: null, stage: null };
        }
      }),
    );
    return { spaces };
  });

  app.post('/v1/admin/spaces/:id/end', async (req) => {
    const principal = await operator(req);
    const spaceId = spaceIdParam(req);
    const room = await deps.hub.room(spaceId);
    await room.handleStage(actorOf(principal), { type: 'end_space' });
    deps.log.info({ spaceId, by: principal.userId }, 'space ended by an operator');
    // the room is closed once ended: the stored Space is the answer
    return { space: await deps.store.getSpace(spaceId) };
  });

  app.get('/v1/admin/webhooks/deliveries', async (req) => {
    await operator(req);
    const q = validate(deliveryQuerySchema, Object.fromEntries(requestUrl(req).searchParams));
    const deliveries = await deps.store.webhooks.list(q);
    return { deliveries: deliveries.map(logEntry) };
  });

  app.post('/v1/admin/webhooks/deliveries/:id/retry', async (req) => {
    await operator(req);
    const id = (req.params as { id?: unknown }).id;
    if (typeof id !== 'string' || !DELIVERY_ID.test(id)) throw new RostraError('not_found');
    const d = await deps.store.webhooks.get(id);
    if (!d) throw new RostraError('not_found', 'no such delivery');
    if (!(await deps.store.webhooks.retry(id, deps.now())))
      throw new RostraError('invalid_transition', 'only a failed delivery can be sent again');
    return { retried: true };
  });
}
