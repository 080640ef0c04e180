import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { asSpaceId, isId, type SpaceId, type UserId } from '../../../protocol/ids.js';
import { LIMITS } from '../../../protocol/limits.js';
import { SpaceState, type SpaceInfo, type SpaceSnapshot } from '../../../protocol/space.js';
import { emptyQuestionBoard } from '../../../protocol/questions.js';
import type { SpaceListResponse } from '../../../protocol/api.js';
import { RostraError } from '../../../core/errors.js';
import { validateSchedule } from '../../../core/space/schedule.js';
import { createSpaceSchema, stageClientSchema } from '../../validation/schemas.js';
import { validate } from '../../validation/parse.js';
import { actorOf, requestUrl, requirePrincipal } from '../../principal.js';
import type { ControlDeps } from '../../ports.js';

/** ms listeners and CDNs may cache Space metadata; it may be this stale (join storms). */
const METADATA_MAX_AGE_S = 2;
/** ended Spaces GET /v1/spaces?state=ended lists, most recently ended first */
const ENDED_LIST_LIMIT = 30;

export function spaceIdParam(req: FastifyRequest): SpaceId {
  const id = (req.params as { id?: unknown }).id;
  if (!isId(id)) throw new RostraError('space_not_found');
  return asSpaceId(id);
}

const newSpaceId = (): SpaceId => asSpaceId(randomBytes(9).toString('base64url'));

export function spaceRoutes(app: FastifyInstance, deps: ControlDeps): void {
  app.get('/v1/spaces', async (req, reply) => {
    const state = requestUrl(req).searchParams.get('state');
    const states =
      state === 'live'
        ? [SpaceState.live]
        : state === 'scheduled'
          ? [SpaceState.scheduled]
          : state === 'ended'
            ? [SpaceState.ended]
            : [SpaceState.live, SpaceState.scheduled];
    // past Spaces: the most recently ended ENDED_LIST_LIMIT (the lobby's "Past" list)
    const limit = state === 'ended' ? ENDED_LIST_LIMIT : 100;
    const spaces = await deps.store.listSpaces({ states, limit });
    const res: SpaceListResponse = { spaces };
    return reply.header('cache-control', `public, max-age=${METADATA_MAX_AGE_S}`).send(res);
  });

  app.post('/v1/spaces', async (req, reply) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const body = validate(createSpaceSchema, req.body);
    const now = deps.now();
    if (body.scheduledFor !== undefined) validateSchedule(now, body.scheduledFor);
    await checkSpaceCaps(deps, principal.userId, body.scheduledFor === undefined ? 'open' : 'scheduled');
    const space = await deps.store.createSpace({
      id: newSpaceId(),
      title: body.title,
      description: body.description ?? '',
      state: body.scheduledFor === undefined ? SpaceState.backstage : SpaceState.scheduled,
      createdBy: principal.userId,
      hostId: principal.userId,
      scheduledFor: body.scheduledFor ?? null,
      startedAt: null,
      endedAt: null,
      allowAnonymous: body.allowAnonymous ?? true,
      recording: body.recording ?? true,
      createdAt: now,
    });
    deps.log.info({ spaceId: space.id, state: space.state }, 'space created');
    deps.webhooks?.spaceCreated(space);
    return reply.code(201).send({ space });
  });

  app.get('/v1/spaces/:id', async (req, reply) => {
    const id = spaceIdParam(req);
    const snapshot = await snapshotOf(deps, id);
    return reply.header('cache-control', `public, max-age=${METADATA_MAX_AGE_S}`).send(snapshot);
  });

  app.post('/v1/spaces/:id/open', async (req) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const id = spaceIdParam(req);
    const stored = await deps.store.getSpace(id);
    // opening a scheduled Space makes it one of its creator's open Spaces (checked before it loads)
    if (stored?.state === SpaceState.scheduled) await checkSpaceCaps(deps, stored.createdBy, 'open');
    const room = await deps.hub.room(id);
    await room.openBackstage(actorOf(principal));
    return { space: room.snapshot().space };
  });

  app.post('/v1/spaces/:id/actions', async (req) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const msg = validate(stageClientSchema, req.body);
    const room = await deps.hub.room(spaceIdParam(req));
    await room.handleStage(actorOf(principal), msg);
    return { ok: true };
  });

  const reminder = (add: boolean) => async (req: FastifyRequest) => {
    const principal = await requirePrincipal(deps.tokens, req.headers, requestUrl(req));
    const id = spaceIdParam(req);
    const space = await deps.store.getSpace(id);
    if (!space) throw new RostraError('space_not_found');
    if (space.state !== SpaceState.scheduled) throw new RostraError('space_not_scheduled');
    const reminderCount = add
      ? await deps.store.addReminder(id, principal.userId)
      : await deps.store.removeReminder(id, principal.userId);
    return { reminderCount, reminded: add };
  };
  app.put('/v1/spaces/:id/reminder', reminder(true));
  app.delete('/v1/spaces/:id/reminder', reminder(false));
}

/**
 * Per-account caps (docs/security.md): each open Space (backstage or live) holds a mixer, a
 * recorder and the HLS/Ogg streams on its home node, so one account may hold only a few;
 * scheduled ones cost a row each. Throws too_many_spaces. Two creations racing may both pass
 * the count: the cap can be exceeded by the number of concurrent requests, not more.
 */
async function checkSpaceCaps(deps: ControlDeps, userId: UserId, kind: 'open' | 'scheduled'): Promise<void> {
  const [states, max] =
    kind === 'open'
      ? [[SpaceState.backstage, SpaceState.live], LIMITS.maxOpenSpacesPerAccount]
      : [[SpaceState.scheduled], LIMITS.maxScheduledSpacesPerAccount];
  if ((await deps.store.countSpacesBy(userId, states)) >= max) {
    throw new RostraError(
      'too_many_spaces',
      `at most ${max} ${kind} Spaces per account; end or cancel one first`,
    );
  }
}

/** Live and backstage Spaces answer from the room actor; others from the store. */
async function snapshotOf(deps: ControlDeps, id: SpaceId): Promise<SpaceSnapshot> {
  const space: SpaceInfo | null = await deps.store.getSpace(id);
  if (!space) throw new RostraError('space_not_found');
  if (space.state === SpaceState.live || space.state === SpaceState.backstage) {
    return (await deps.hub.room(id)).snapshot();
  }
  return {
    space,
    stage: [],
    counts: { listeningNow: 0, totalJoined: 0 },
    leaderId: space.hostId,
    captions: true,
    questions: emptyQuestionBoard(),
  };
}
