import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { LIMITS } from '../../protocol/limits.js';
import { KeyedRateLimiter } from '../rate-limit.js';
import type { ControlDeps } from '../ports.js';
import { installErrorHandlers, sendError } from './errors.js';
import { installSecurityHeaders } from './security-headers.js';
import type { RouteFlags } from './route-options.js';
import { accountRoutes } from './routes/accounts.js';
import { spaceRoutes } from './routes/spaces.js';
import { spaceWebhookRoutes } from './routes/space-webhook.js';
import { adminRoutes } from './routes/admin.js';
import { questionRoutes } from './routes/questions.js';
import { whipRoutes } from './routes/whip.js';
import { restreamRoutes } from './routes/restream.js';
import { accessRoutes } from './routes/space-access.js';
import { spaceManageRoutes } from './routes/space-manage.js';
import { healthRoutes } from './routes/health.js';
import { webAppRoutes } from './routes/web-app.js';
import { mediaRoutes } from './routes/media.js';
import { replayRoutes } from './routes/replay.js';

/** true when the request is under the per-address API limit: its PARSED route is below /v1/ */
function apiLimited(req: FastifyRequest): boolean {
  const config = req.routeOptions.config as RouteFlags | undefined;
  if (config?.apiLimit === false) return false;
  // the matched route's pattern; unmatched requests by their parsed path, so an absolute-form
  // target ("POST http://host/v1/spaces") is the same request as "POST /v1/spaces"
  const path = req.routeOptions.url ?? new URL(req.url, 'http://localhost').pathname;
  return path.startsWith('/v1/');
}

/**
 * The HTTP side of the control plane. Every /v1 request is rate-limited per client address;
 * bodies are capped (LIMITS.maxJsonBodyBytes, SDP LIMITS.maxSdpBytes) and must arrive whole
 * within requestTimeoutMs; every refusal is an ErrorBody with a catalog code. WebSocket
 * upgrades are handled in ../ws/upgrade.ts. Client addresses: ../net/ (docs/security.md).
 */
export async function createHttpApp(deps: ControlDeps): Promise<FastifyInstance> {
  const { net } = deps;
  const app = Fastify({
    logger: false,
    bodyLimit: LIMITS.maxJsonBodyBytes,
    // req.ip is the client named by a trusted proxy's X-Forwarded-For (the same walk as net.addressOf)
    trustProxy: (address: string) => net.trusted.trusts(address),
    return503OnClosing: true,
    // close() also ends idle keep-alive and long media responses, so a stopping node cannot hang
    forceCloseConnections: true,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
    // a whole request (headers and body) within this, or 408 and the connection is closed: a
    // body sent a byte every few seconds cannot hold a connection open (node checks every 1 s)
    requestTimeout: net.requestTimeoutMs,
    http: { connectionsCheckingInterval: 1_000, headersTimeout: Math.min(10_000, net.requestTimeoutMs) },
  });
  // every TCP connection counts against its peer's cap (trusted proxies exempt): one address
  // cannot hold the process's file descriptors
  app.server.on('connection', (socket: Socket) => {
    const release = net.tcp.acquire(socket.remoteAddress ?? 'unknown');
    if (!release) return socket.destroy();
    socket.once('close', release);
  });
  installErrorHandlers(app, deps.log);
  installSecurityHeaders(app);

  const perAddress = new KeyedRateLimiter(deps.limits.apiPerSecond, deps.limits.apiBurst);
  app.addHook('onRequest', async (req, reply) => {
    if (!apiLimited(req)) return;
    if (!perAddress.take(req.ip)) {
      reply.header('retry-after', '1');
      return sendError(reply, 'too_many_requests');
    }
  });

  accountRoutes(app, deps);
  spaceRoutes(app, deps);
  spaceWebhookRoutes(app, deps);
  adminRoutes(app, deps);
  questionRoutes(app, deps);
  spaceManageRoutes(app, deps);
  accessRoutes(app, deps);
  whipRoutes(app, deps);
  restreamRoutes(app, deps);
  mediaRoutes(app, deps);
  replayRoutes(app, deps);
  healthRoutes(app, deps);
  if (deps.webRoot) webAppRoutes(app, deps.webRoot);
  await app.ready();
  return app;
}
