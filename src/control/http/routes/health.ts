import type { FastifyInstance } from 'fastify';
import type { ControlDeps } from '../../ports.js';

const startedAt = Date.now();

/** Liveness and Prometheus metrics. Neither needs a token; put them behind your proxy's ACLs. */
export function healthRoutes(app: FastifyInstance, deps: ControlDeps): void {
  app.get('/healthz', async (_req, reply) => {
    const stats = deps.hub.stats();
    return reply.header('cache-control', 'no-store').send({
      ok: true,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      mode: stats.cluster ? 'cluster' : 'embedded',
      ...stats,
    });
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics();
    return reply
      .header('cache-control', 'no-store')
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(text);
  });
}
