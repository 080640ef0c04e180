import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { UserId } from '../../../protocol/ids.js';
import type { SpaceInfo } from '../../../protocol/space.js';
import {
  RECORDING_LIMITS,
  type ClipRequest,
  type RecordedTimeline,
  type ReplayTimeline,
} from '../../../protocol/recording.js';
import { RostraError } from '../../../core/errors.js';
import { requestUrl } from '../../principal.js';
import type { ControlDeps, ReplayView } from '../../ports.js';
import { validate } from '../../validation/parse.js';
import { MEDIA_ROUTE } from '../route-options.js';
import { admitFromStore } from './space-access.js';
import { spaceIdParam } from './spaces.js';
import { parseRange } from './range.js';

/**
 * Replays of recorded Spaces (docs/recording.md):
 *
 *   GET  /v1/spaces/:id/replay/playlist.m3u8        VOD HLS playlist (EXT-X-PLAYLIST-TYPE:VOD)
 *   GET  /v1/spaces/:id/replay/:version/:file       init.mp4, seg-<n>.m4s (immutable)
 *   GET  /v1/spaces/:id/replay.opus                 the whole replay as an Ogg/Opus download
 *   GET  /v1/spaces/:id/replay/timeline             duration, speakers' intervals, gaps
 *   GET  /v1/spaces/:id/replay/transcript.vtt       the live captions as WebVTT, speaker-labelled
 *   GET  /v1/spaces/:id/replay/transcript.txt       the same as plain text, one line per caption
 *   POST /v1/spaces/:id/clips {startMs, durationMs} an Ogg/Opus clip of at most 60 s
 *
 * Access is the listening rule (the listen socket's room.admit), checked against the store
 * because an ended Space's room is not loaded: the Space exists, a signed-in caller is not
 * banned, an anonymous caller needs allowAnonymous. No recording (yet) is recording_not_found.
 */

export const clipSchema = z.strictObject({
  startMs: z.number().int().min(0),
  durationMs: z.number().int().min(1).max(RECORDING_LIMITS.maxClipMs),
}) satisfies z.ZodType<ClipRequest>;

const IMMUTABLE = 'max-age=31536000, immutable';
const MP4 = 'audio/mp4';

export function replayRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const recordings = deps.recordings;
  if (!recordings) return;

  const admitted = async (req: FastifyRequest): Promise<{ space: SpaceInfo; view: ReplayView }> => {
    const space = await admitFromStore(deps, req);
    if (space.startedAt === null) throw new RostraError('recording_not_found', 'the Space never went live');
    return { space, view: await recordings.open(space.id, space.startedAt) };
  };

  /**
   * a segment request: a signed media token of this Space (`?media=`, what the playlist of a
   * sign-in-only Space writes) stands for the listening check; without one the check runs
   */
  const segmentAccess = async (req: FastifyRequest): Promise<{ space: SpaceInfo; view: ReplayView }> => {
    const media = requestUrl(req).searchParams.get('media');
    if (media === null || !deps.media) return admitted(req);
    const spaceId = spaceIdParam(req);
    deps.media.tokens.verify(spaceId, media);
    const space = await deps.store.getSpace(spaceId);
    if (!space || space.startedAt === null) throw new RostraError('recording_not_found');
    return { space, view: await recordings.open(space.id, space.startedAt) };
  };

  app.get('/v1/spaces/:id/replay/playlist.m3u8', async (req, reply) => {
    const { space, view } = await admitted(req);
    // a Space that needs sign-in: the segment URIs carry a short-lived signed media token of
    // this Space (as the live tiers do), never the caller's account token, which would end
    // up in proxy and CDN logs
    const token = space.allowAnonymous || !deps.media ? null : deps.media.tokens.issue(space.id).token;
    const query = token ? `?media=${token}` : '';
    cache(reply, space, 'no-cache');
    return reply.type('application/vnd.apple.mpegurl').send(view.playlist(query));
  });

  app.get('/v1/spaces/:id/replay/timeline', async (req, reply) => {
    const { space, view } = await admitted(req);
    cache(reply, space, 'no-cache');
    return withHandles(deps, view.timeline());
  });

  for (const [ext, format, type] of [
    ['vtt', 'vtt', 'text/vtt; charset=utf-8'],
    ['txt', 'text', 'text/plain; charset=utf-8'],
  ] as const) {
    app.get(`/v1/spaces/:id/replay/transcript.${ext}`, async (req, reply) => {
      const { space, view } = await admitted(req);
      const handles = new Map<string, string>();
      for (const id of view.transcriptSpeakers())
        handles.set(id, (await deps.store.getAccount(id as UserId))?.handle ?? 'speaker');
      cache(reply, space, 'no-cache');
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="${space.id}-transcript.${ext}"`)
        .send(view.transcriptFile(format, (id) => handles.get(id) ?? 'speaker'));
    });
  }

  // init/segments: a player fetches many in a burst (MEDIA_ROUTE); immutable and cacheable
  app.get('/v1/spaces/:id/replay/:version/:file', MEDIA_ROUTE, async (req, reply) => {
    const { space, view } = await segmentAccess(req);
    const { version, file } = req.params as { version: string; file: string };
    if (version !== view.version)
      throw new RostraError('not_found', 'the recording changed; reload the playlist');
    const bytes = view.file(file);
    if (!bytes) throw new RostraError('not_found');
    cache(reply, space, IMMUTABLE);
    return reply.type(MP4).send(buffer(bytes));
  });

  // Range requests (one range) let <audio> find the duration (the last page) and seek
  app.get('/v1/spaces/:id/replay.opus', async (req, reply) => {
    const { space, view } = await admitted(req);
    cache(reply, space, 'no-cache');
    const bytes = view.download();
    void reply
      .type('audio/ogg')
      .header('accept-ranges', 'bytes')
      .header('content-disposition', `attachment; filename="${space.id}.opus"`);
    const range = parseRange(req.headers.range, bytes.length);
    if (range === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${bytes.length}`);
      throw new RostraError('range_not_satisfiable');
    }
    if (range === null) return reply.send(buffer(bytes));
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${bytes.length}`)
      .send(buffer(bytes.subarray(range.start, range.end + 1)));
  });

  app.post('/v1/spaces/:id/clips', async (req, reply) => {
    const { startMs, durationMs } = validate(clipSchema, req.body);
    const { space, view } = await admitted(req);
    const bytes = view.clip(startMs, durationMs);
    return reply
      .type('audio/ogg')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${space.id}-${startMs}-${durationMs}.opus"`)
      .send(buffer(bytes));
  });
}

/**
 * The recording knows speakers by user id; listeners need to see who spoke. One account lookup
 * per person who was on stage (a few dozen at most), once per request.
 */
async function withHandles(deps: ControlDeps, t: RecordedTimeline): Promise<ReplayTimeline> {
  const speakers = await Promise.all(
    t.speakers.map(async (s) => ({
      userId: s.userId,
      handle: (await deps.store.getAccount(s.userId))?.handle ?? null,
      intervals: s.intervals,
    })),
  );
  return { ...t, speakers };
}

/** shared caches may keep a replay only when anyone may listen to it */
function cache(reply: FastifyReply, space: SpaceInfo, policy: string): void {
  void reply.header('cache-control', `${space.allowAnonymous ? 'public' : 'private'}, ${policy}`);
}

const buffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
