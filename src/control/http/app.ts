import Fastify, { type FastifyInstance } from 'fastify';
import { LIMITS } from '../../protocol/limits.js';
import { KeyedRateLimiter } from '../rate-limit.js';
import type { ControlDeps } from '../ports.js';
import { installErrorHandlers, sendError } from './errors.js';
import { accountRoutes } from './routes/accounts.js';
import { spaceRoutes } from './routes/spaces.js';
import { whipRoutes } from './routes/whip.js';
import { healthRoutes } from './routes/health.js';
import { webAppRoutes } from './routes/web-app.js';
import { isMediaPath, mediaRoutes } from './routes/media.js';
import { isReplayMediaPath, replayRoutes } from './routes/replay.js';

/**
 * The HTTP side of the control plane. Every /v1 request is rate-limited per client address;
 * bodies are capped (LIMITS.maxJsonBodyBytes, SDP LIMITS.maxSdpBytes); every refusal is an
 * ErrorBody with a catalog code. WebSocket upgrades are handled in ../ws/upgrade.ts.
 */
export async function createHttpApp(deps: ControlDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: LIMITS.maxJsonBodyBytes,
    // behind a proxy set trustProxy in front; by default the socket address is the client
    trustProxy: false,
    return503OnClosing: true,
    // close() also ends idle keep-alive and long media responses, so a stopping node cannot hang
    forceCloseConnections: true,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
  });
  installErrorHandlers(app, deps.log);

  const perAddress = new KeyedRateLimiter(deps.limits.apiPerSecond, deps.limits.apiBurst);
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/v1/') || isMediaPath(req.url) || isReplayMediaPath(req.url)) return;
    if (!perAddress.take(req.ip)) {
      reply.header('retry-after', '1');
      return sendError(reply, 'too_many_requests');
    }
  });

  accountRoutes(app, deps);
  spaceRoutes(app, deps);
  whipRoutes(app, deps);
  mediaRoutes(app, deps);
  replayRoutes(app, deps);
  healthRoutes(app, deps);
  if (deps.webRoot) webAppRoutes(app, deps.webRoot);
  await app.ready();
  return app;
}
