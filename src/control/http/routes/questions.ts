/**
 * Questions over HTTP (docs/questions.md), for any tier (an LL-HLS or Ogg listener has no
 * socket to send on) and for the replay page:
 *   POST /v1/spaces/:id/questions               { text }  -> 201 { ok: true }   (signed in)
 *   POST /v1/spaces/:id/questions/:qid/vote               -> { ok: true }       (signed in, idempotent)
 *   GET  /v1/spaces/:id/questions                         -> QuestionListResponse
 * Posting and voting run in the room actor (on the Space's home node) with the same checks as
 * the listen socket. The list is read from the store, so any node answers it, during the Space
 * and after it ended; hidden questions are listed only for the host, co-hosts and admins.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isId, type QuestionId } from '../../../protocol/ids.js';
import { Grant } from '../../../protocol/api.js';
import type { Question, QuestionListResponse } from '../../../protocol/questions.js';
import { SpaceState, type SpaceInfo } from '../../../protocol/space.js';
import { RostraError } from '../../../core/errors.js';
import { byVotes } from '../../../core/space/question-book.js';
import { askSchema } from '../../validation/schemas.js';
import { validate } from '../../validation/parse.js';
import { actorOf, optionalPrincipal, requestUrl, requirePrincipal } from '../../principal.js';
import type { ControlDeps, Principal } from '../../ports.js';
import { spaceIdParam } from './spaces.js';

const questionIdParam = (req: FastifyRequest): QuestionId => {
  const id = (req.params as { qid?: unknown }).qid;
  if (!isId(id)) throw new RostraError('question_not_found');
  return id as QuestionId;
};

export function questionRoutes(app: FastifyInstance, deps: ControlDeps): void {
  app.post('/v1/spaces/:id/questions', async (req, reply) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const { text } = validate(askSchema, req.body);
    const room = await deps.hub.room(spaceIdParam(req));
    await room.handleAudience(actorOf(principal), { type: 'ask', text });
    return reply.code(201).send({ ok: true });
  });

  app.post('/v1/spaces/:id/questions/:qid/vote', async (req) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const questionId = questionIdParam(req);
    const room = await deps.hub.room(spaceIdParam(req));
    await room.handleAudience(actorOf(principal), { type: 'upvote', questionId });
    return { ok: true };
  });

  app.get('/v1/spaces/:id/questions', async (req, reply) => {
    const id = spaceIdParam(req);
    const space = await deps.store.getSpace(id);
    if (!space) throw new RostraError('space_not_found');
    const principal = await optionalPrincipal(deps.tokens, req.headers, requestUrl(req));
    const all = principal !== null && (await moderates(deps, space, principal));
    const [stored, settings] = await Promise.all([
      deps.store.listQuestions(id),
      deps.store.getQuestionSettings(id),
    ]);
    const questions: Question[] = stored
      .filter((q) => all || q.status !== 'hidden')
      .map(({ spaceId: _, ...q }) => q)
      .sort(byVotes);
    const res: QuestionListResponse = { questions, settings };
    // the public list may be cached like the snapshot; a moderator's list is theirs alone
    return reply.header('cache-control', all ? 'private, no-store' : 'public, max-age=2').send(res);
  });
}

/** host, co-host (while the room runs) or admin */
async function moderates(deps: ControlDeps, space: SpaceInfo, p: Principal): Promise<boolean> {
  if (p.anonymous) return false;
  if (p.grants.includes(Grant.admin) || space.hostId === p.userId) return true;
  if (space.state !== SpaceState.live && space.state !== SpaceState.backstage) return false;
  const room = await deps.hub.room(space.id);
  return room.roleOf(p.userId) === 'cohost';
}
