/**
 * Commands on a Space: run on the local Room when this node is the home, otherwise a call to
 * the home (calls.ts is the caller's side). The home's side: commands and presence reports from
 * other nodes arrive on `space:<id>:cmd`; a call runs on the local Room once (the home
 * remembers recent `(node, id)` pairs, so a call duplicated on the bus runs once) and its
 * result or error code goes back on the caller's `node:<id>` topic.
 */
import type { NodeId } from '../protocol/ids.js';
import { RostraError, isRostraError } from '../core/errors.js';
import { parseListenerQuery, type Actor, type Room } from '../core/space/index.js';
import { decode, encodeJson, type CallBody, type ClusterMessage } from './codec.js';
import type { PresenceMerger } from './presence.js';
import { HEARTBEAT_MS, type SpaceNodeState } from './space-node-state.js';
import type { NodeContext } from './node-context.js';
import { topics } from './topics.js';

/** ms without a word from the home after which commands fail fast (the client retries) */
const HOME_SILENT_MS = 2 * HEARTBEAT_MS + 500;

/** runs a command here if home (`live`: the Room this node serves), otherwise at the home */
export async function runCommand(
  s: SpaceNodeState,
  live: Room | null,
  actor: Actor,
  body: CallBody,
): Promise<unknown> {
  if (s.role === 'home' && live) return execCall(s.ctx, live, actor, body);
  if (s.role === 'ended') throw new RostraError('space_ended');
  if (s.ctx.clock.now() - s.lastHeard > HOME_SILENT_MS)
    throw new RostraError(
      'server_busy',
      "the Space's home is not answering; another node takes over shortly",
    );
  return s.ctx.calls.call(s.id, actor, body);
}

/** home: one message from the command topic (a presence report or a call) */
export function onCommand(
  s: SpaceNodeState,
  room: Room | null,
  merger: PresenceMerger | null,
  data: Uint8Array,
): void {
  const d = decode(data);
  if (d?.kind !== 'json' || s.role !== 'home' || !room) return;
  const { ctx } = s;
  const msg = d.msg;
  const now = ctx.clock.now();
  if (msg.t === 'presence') {
    if (msg.node === ctx.self) return;
    merger?.apply(msg.node, msg, now);
    return;
  }
  if (msg.t !== 'call' || !ctx.seen.first(msg.from, msg.id, now)) return;
  execCall(ctx, room, msg.actor, msg.body).then(
    (result) => reply(ctx, msg.from, { t: 'reply', id: msg.id, ok: true, result: result ?? null }),
    (err: unknown) => {
      if (!isRostraError(err)) ctx.log.error({ err, spaceId: s.id }, 'remote command failed');
      const code = isRostraError(err) ? err.code : 'internal';
      const message = err instanceof Error ? err.message : String(err);
      reply(ctx, msg.from, { t: 'reply', id: msg.id, ok: false, code, message });
    },
  );
}

function reply(ctx: NodeContext, to: NodeId, msg: ClusterMessage): void {
  ctx.bus.publish(topics.node(to), encodeJson(msg)).catch(() => undefined);
}

/** runs one command on the home's Room */
async function execCall(ctx: NodeContext, room: Room | null, actor: Actor, body: CallBody): Promise<unknown> {
  if (!room || room.closed) throw new RostraError('server_busy', 'this node is no longer the home');
  switch (body.kind) {
    case 'audience':
      return room.handleAudience(actor, ctx.validateAudience(body.msg));
    case 'stage':
      return room.handleStage(actor, ctx.validateStage(body.msg));
    case 'open':
      return room.openBackstage(actor);
    case 'snapshot':
      return { snapshot: room.snapshot(), requests: room.requests() };
    case 'listeners':
      return room.listeners(actor, parseListenerQuery(body.query ?? {}));
    case 'publish':
      return ctx.engine.publish(room, actor, body.offerSdp);
    case 'unpublish':
      return ctx.engine.unpublish(room, actor, body.sessionId);
  }
}
