import type { FastifyInstance } from 'fastify';
import { LIMITS } from '../../../protocol/limits.js';
import { isId } from '../../../protocol/ids.js';
import { RostraError } from '../../../core/errors.js';
import { actorOf, requestUrl, requirePrincipal } from '../../principal.js';
import type { ControlDeps } from '../../ports.js';
import { spaceIdParam } from './spaces.js';

/**
 * WHIP-style publishing for people on stage: POST an SDP offer, get the answer (201) and the
 * session's URL in Location; DELETE that URL to stop. See docs/stage.md for the transceivers.
 */
export function whipRoutes(app: FastifyInstance, deps: ControlDeps): void {
  app.addContentTypeParser(
    'application/sdp',
    { parseAs: 'string', bodyLimit: LIMITS.maxSdpBytes },
    (_req, body, done) => done(null, body),
  );

  app.post('/v1/spaces/:id/whip', { bodyLimit: LIMITS.maxSdpBytes }, async (req, reply) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    if (!(req.headers['content-type'] ?? '').startsWith('application/sdp')) {
      throw new RostraError('unsupported_media_type', 'send the offer as application/sdp');
    }
    const offer = req.body;
    if (typeof offer !== 'string' || !offer.startsWith('v=0'))
      throw new RostraError('bad_request', 'not an SDP offer');
    const spaceId = spaceIdParam(req);
    const room = await deps.hub.room(spaceId);
    const { sessionId, answerSdp } = await deps.hub.publish(room, actorOf(principal), offer);
    return reply
      .code(201)
      .header('location', `/v1/spaces/${spaceId}/whip/${sessionId}`)
      .type('application/sdp')
      .send(answerSdp);
  });

  app.delete('/v1/spaces/:id/whip/:session', async (req, reply) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const session = (req.params as { session?: unknown }).session;
    if (!isId(session)) throw new RostraError('session_not_found');
    try {
      const room = await deps.hub.room(spaceIdParam(req));
      await deps.hub.unpublish(room, actorOf(principal), session);
    } catch (err) {
      // the Space ended: every session ended with it, so the DELETE's goal holds (204, not 409)
      if (!(err instanceof RostraError && err.code === 'space_ended')) throw err;
    }
    return reply.code(204).send();
  });
}
