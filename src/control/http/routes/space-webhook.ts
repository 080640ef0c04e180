/**
 * A Space's own webhook endpoint, set by its host (docs/webhooks.md):
 *   PUT    /v1/spaces/:id/webhook   { url }  -> { webhook: { url, secret, at } }  (a new secret each time)
 *   GET    /v1/spaces/:id/webhook            -> { webhook: { url, at } | null }   (the secret is shown once)
 *   DELETE /v1/spaces/:id/webhook            -> 204
 * Only the Space's current host or an operator (admin grant). The deployment's setting
 * `--space-webhooks` decides whether this is allowed (off), and for which URLs (https, any).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Grant } from '../../../protocol/api.js';
import type { SpaceId } from '../../../protocol/ids.js';
import { RostraError } from '../../../core/errors.js';
import { spaceWebhookSchema } from '../../validation/schemas.js';
import { validate } from '../../validation/parse.js';
import { requestUrl, requirePrincipal } from '../../principal.js';
import type { ControlDeps, WebhookPort } from '../../ports.js';
import { spaceIdParam } from './spaces.js';

/** bytes of a generated signing secret (the Standard Webhooks spec asks for 24 to 64) */
const SECRET_BYTES = 32;

/** A fresh signing secret in the Standard Webhooks form `whsec_<base64>`. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;

export function spaceWebhookRoutes(app: FastifyInstance, deps: ControlDeps): void {
  /** the Space, if the caller may manage its webhook; refusals: webhooks_disabled, forbidden */
  const authorize = async (req: FastifyRequest): Promise<{ spaceId: SpaceId; port: WebhookPort }> => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const port = deps.webhooks;
    if (!port || port.spaceUrls === 'off') throw new RostraError('webhooks_disabled');
    const spaceId = spaceIdParam(req);
    const space = await deps.store.getSpace(spaceId);
    if (!space) throw new RostraError('space_not_found');
    if (space.hostId !== principal.userId && !principal.grants.includes(Grant.admin))
      throw new RostraError('forbidden', "only the Space's host sets its webhook");
    return { spaceId, port };
  };

  app.put('/v1/spaces/:id/webhook', async (req) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const { spaceId, port } = await authorize(req);
    const { url } = validate(spaceWebhookSchema, req.body);
    if (port.spaceUrls === 'https' && !url.startsWith('https://'))
      throw new RostraError('invalid_field', 'this deployment accepts https:// webhook URLs only', {
        details: [{ path: 'url', message: 'must be https' }],
      });
    const endpoint = { spaceId, url, secret: newWebhookSecret(), setBy: principal.userId, at: deps.now() };
    await deps.store.webhooks.setSpaceEndpoint(endpoint);
    deps.log.info({ spaceId }, 'space webhook set');
    return { webhook: { url, secret: endpoint.secret, at: endpoint.at } };
  });

  app.get('/v1/spaces/:id/webhook', async (req) => {
    const { spaceId } = await authorize(req);
    const e = await deps.store.webhooks.getSpaceEndpoint(spaceId);
    return { webhook: e ? { url: e.url, at: e.at } : null };
  });

  app.delete('/v1/spaces/:id/webhook', async (req, reply) => {
    const { spaceId } = await authorize(req);
    await deps.store.webhooks.deleteSpaceEndpoint(spaceId);
    return reply.code(204).send();
  });
}
