import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SpaceId } from '../../../protocol/ids.js';
import { RostraError } from '../../../core/errors.js';
import { SpaceState } from '../../../protocol/space.js';
import { actorOf, optionalPrincipal, requestUrl } from '../../principal.js';
import type { ControlDeps, MediaTiers } from '../../ports.js';
import { spaceIdParam } from './spaces.js';
import { MEDIA_ROUTE } from '../route-options.js';

/**
 * The HTTP audience tiers (docs/cdn.md):
 *
 *   GET /v1/spaces/:id/media                       -> { hls, ogg, expiresAt } for an admitted listener
 *   GET /v1/spaces/:id/hls/:token/:file            -> LL-HLS (playlist, init, parts, segments)
 *   GET /v1/spaces/:id/listen.opus?media=:token    -> live Ogg/Opus until the Space ends (no chunking,
 *                                                     Connection: close)
 *
 * Only /media checks identity and admission (the same rule as the listen socket); the media
 * URLs carry a signed, bucketed token that any node verifies without a lookup, so a CDN can
 * cache one copy per bucket. Media paths skip the per-address API rate limit (a CDN edge or
 * a NAT holds many listeners behind one address).
 */
/** players load media from other origins (a web player on another site, a CDN hostname) */
const CORS = { 'access-control-allow-origin': '*' } as const;

export function mediaRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const media = deps.media;
  if (!media) return;

  app.get('/v1/spaces/:id/media', async (req, reply) => {
    const principal = await optionalPrincipal(deps.tokens, req.headers, requestUrl(req));
    const spaceId = spaceIdParam(req);
    const room = await deps.hub.room(spaceId);
    const actor = actorOf(principal);
    await room.admit(actor);
    // backstage is a private mic check: no media URL until the Space is live
    if (room.state !== SpaceState.live) throw new RostraError('space_not_live');
    // LL-HLS joins are paced like listen sockets (per address, per person, node join rate)
    deps.admission?.joinNow(deps.net.addressOf(req.raw), actor.userId, false);
    const { token, expiresAt } = media.tokens.issue(spaceId);
    void reply.header('cache-control', 'private, no-store');
    return {
      hls: `/v1/spaces/${spaceId}/hls/${token}/playlist.m3u8`,
      ogg: `/v1/spaces/${spaceId}/listen.opus?media=${token}`,
      expiresAt,
    };
  });

  app.get('/v1/spaces/:id/hls/:token/:file', MEDIA_ROUTE, async (req, reply) => {
    const spaceId = authorise(media, req, reply, (req.params as { token?: string }).token);
    const file = (req.params as { file?: string }).file ?? '';
    // a blocking playlist request is held up to 6 s: it counts against the client's cap
    const release = holdConnection(deps, req);
    reply.raw.once('close', release);
    const res = await media.hls(spaceId, file, requestUrl(req).searchParams);
    if (!res) throw new RostraError('space_not_found', 'no HLS stream of this Space on this node');
    void reply.code(res.status).headers({ ...res.headers, ...CORS });
    const body = res.body;
    return reply.send(
      typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    );
  });

  app.get('/v1/spaces/:id/listen.opus', MEDIA_ROUTE, async (req, reply) => {
    const spaceId = authorise(media, req, reply, requestUrl(req).searchParams.get('media'));
    const tap = media.ogg(spaceId);
    if (!tap) throw new RostraError('space_not_live', 'no live Ogg stream of this Space on this node');
    const headers = { ...tap.headers, ...CORS };
    if (req.method === 'HEAD') return reply.code(200).headers(headers).send();
    // a live Ogg body is a listener: inside admission (a place in maxListeners, paced joins)
    // and the client's connection cap, both given back when the connection closes
    const release = holdConnection(deps, req);
    let ticket;
    try {
      ticket = deps.admission?.joinNow(deps.net.addressOf(req.raw), null, true);
    } catch (e) {
      release();
      void reply.header('retry-after', '2');
      throw e;
    }
    req.raw.socket.once('close', () => {
      release();
      ticket?.release();
    });
    // from here the response is a live body written by the Ogg fan-out, not by fastify: the
    // head goes out now, then each page is written straight to the TCP socket, with no chunked
    // framing per page (the body ends when the connection closes, as HTTP/1.1 allows and as
    // Icecast streams do), so a page costs one socket write per listener
    reply.hijack();
    const res = reply.raw;
    res.useChunkedEncodingByDefault = false;
    res.writeHead(200, { ...headers, connection: 'close' });
    res.flushHeaders();
    const socket = res.socket;
    if (!socket || socket.destroyed) return;
    tap.attach(socket);
  });
}

/** a place in the client's connection cap for this request; throws too_many_connections */
function holdConnection(deps: ControlDeps, req: FastifyRequest): () => void {
  const release = deps.net.streams.acquire(deps.net.addressOf(req.raw));
  if (!release) throw new RostraError('too_many_connections');
  return release;
}

/** Verifies the media token for the Space; errors leave uncacheable (no-store). */
function authorise(
  media: MediaTiers,
  req: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined | null,
): SpaceId {
  void reply.headers({ 'cache-control': 'no-store', ...CORS });
  const spaceId = spaceIdParam(req);
  media.tokens.verify(spaceId, token);
  return spaceId;
}
