import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wav': 'audio/wav',
};

/**
 * Serves the built web app (web/dist). Files are small and few, so they are read once and kept
 * in memory; unknown paths that are not under /v1 fall back to index.html (hash routes).
 */
export function webAppRoutes(app: FastifyInstance, root: string): void {
  const cache = new Map<string, Buffer | null>();
  const load = async (rel: string): Promise<Buffer | null> => {
    if (cache.has(rel)) return cache.get(rel) ?? null;
    const path = normalize(join(root, rel));
    if (!path.startsWith(normalize(root) + sep)) return null;
    const data = await readFile(path).catch(() => null);
    if (cache.size < 200) cache.set(rel, data);
    return data;
  };

  app.get('/*', async (req, reply) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname.startsWith('/v1/')) return reply.callNotFound();
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    const body = (await load(rel)) ?? (extname(rel) === '' ? await load('index.html') : null);
    if (!body) return reply.callNotFound();
    const type = TYPES[extname(rel)] ?? (extname(rel) === '' ? TYPES['.html'] : 'application/octet-stream');
    return reply
      .header('cache-control', 'no-cache')
      .type(type ?? 'application/octet-stream')
      .send(body);
  });
}
