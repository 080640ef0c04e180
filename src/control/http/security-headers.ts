import type { FastifyInstance } from 'fastify';
import type { RouteFlags } from './route-options.js';

/**
 * The browser-side defences sent with every response (docs/security.md):
 *
 * - Content-Security-Policy: the web app loads only its own scripts, styles and worklet
 *   (no inline script, no eval), talks only to its own origin (HTTP and WebSocket), plays
 *   media from its origin or from blob: (MediaSource for LL-HLS); no plugins, no <base>.
 *   `frame-ancestors 'none'` (and X-Frame-Options for old browsers): no site can frame the
 *   app to trick a host into clicking "end Space"; a route flagged `framable` (an embed
 *   player) allows any ancestor instead.
 * - X-Content-Type-Options: nosniff: a recording or a JSON body is never run as a script.
 * - Referrer-Policy: no-referrer: page URLs (hash routes with Space ids) stay on this site.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    const framable = (req.routeOptions.config as RouteFlags | undefined)?.framable === true;
    void reply.headers({
      'content-security-policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors ${framable ? '*' : "'none'"}`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (!framable) void reply.header('x-frame-options', 'DENY');
  });
}
