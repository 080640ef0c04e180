import type { FastifyInstance } from 'fastify';
import type { AuthResponse, PublicUser } from '../../../protocol/api.js';
import { LIMITS } from '../../../protocol/limits.js';
import { RostraError } from '../../../core/errors.js';
import { credentialsSchema } from '../../validation/schemas.js';
import { validate } from '../../validation/parse.js';
import { requestUrl, requirePrincipal } from '../../principal.js';
import { KeyedRateLimiter } from '../../rate-limit.js';
import type { ControlDeps } from '../../ports.js';

/** Sign-up, sign-in (both rate-limited per address) and "who am I". */
export function accountRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const attempts = new KeyedRateLimiter(deps.limits.authPerMinute / 60, deps.limits.authPerMinute);
  const guard = (ip: string) => {
    if (!attempts.take(ip)) throw new RostraError('too_many_requests');
  };

  app.post('/v1/accounts', async (req, reply) => {
    guard(req.ip);
    const body = validate(credentialsSchema, req.body);
    const user = await deps.accounts.signUp(body.handle, body.password);
    const minted = await deps.tokens.mint(user);
    const res: AuthResponse = { user, token: minted.token, expiresAt: minted.expiresAt };
    return reply.code(201).send(res);
  });

  app.post('/v1/sessions', async (req) => {
    guard(req.ip);
    const body = validate(credentialsSchema, req.body);
    const user = await deps.accounts.signIn(body.handle, body.password);
    const minted = await deps.tokens.mint(user);
    const res: AuthResponse = { user, token: minted.token, expiresAt: minted.expiresAt };
    return res;
  });

  // a handle -> its account's public id (handles are public: the stage shows them); the web
  // app invites a listener by @handle through this
  app.get('/v1/users/:handle', async (req) => {
    const raw = (req.params as { handle?: unknown }).handle;
    const handle = typeof raw === 'string' ? raw.replace(/^@/, '').toLowerCase() : '';
    if (!LIMITS.handlePattern.test(handle)) throw new RostraError('user_not_found');
    const account = await deps.store.getAccountByHandle(handle);
    if (!account) throw new RostraError('user_not_found');
    const user: PublicUser = { id: account.id, handle: account.handle };
    return { user };
  });

  app.get('/v1/me', async (req) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    return { user: { id: principal.userId, handle: principal.handle }, grants: principal.grants };
  });
}
