/**
 * Puts back the live stage of a Space in a freshly loaded Room: who was on stage in which role
 * and order, and the raised hands, as a previous home last announced them (cluster failover,
 * docs/cluster.md). One step instead of replayed commands, so nobody gets a `role`/`hand`
 * notice again, the result does not depend on command order, and the transports see one
 * `snapshot` (and one `requests` for host and co-hosts when hands came back).
 *
 * Rules (docs/lifecycles.md, "Restoring a room after a failover"):
 * - The input comes from outside the Room (the bus): it is checked whole first, and any fault
 *   refuses all of it with a catalog code; nothing changes and nothing is emitted.
 * - Only a fresh room is restored: the host alone on stage, no hands, no invites.
 * - The store is the truth for the host (a hand-over is persisted; the announcement may be up
 *   to a heartbeat older): if they differ, the stored host takes the host seat and the
 *   announced host is placed as `transfer_host` places an old host (co-host seat, else
 *   speaker, else left out with stage_full).
 * - People banned in the store are left out (stage and hands).
 * - No hot mics: everyone restored comes back muted and not connected (their publish session
 *   died with the old home); the speaker's own client unmutes when the speaker says so.
 * - Presence is not required: the new home learns who is here from the next presence round,
 *   and, as on one node, a speaker whose connection is gone stays on stage; the host's grace
 *   period already runs from `Room.load` (leader.ts).
 * - Invitations are not part of the input (heartbeats do not carry them): pending ones are lost.
 */
import { isId, type UserId } from '../../protocol/ids.js';
import { Role, type SpaceState, type StageMember, type SpeakRequest } from '../../protocol/space.js';
import { LIMITS } from '../../protocol/limits.js';
import { RostraError } from '../errors.js';
import type { RoomContext } from './commands.js';
import { StageRoster } from './stage-roster.js';

/** what a new home knows of the stage: a snapshot's `stage` and the raised hands */
export interface RestoreInput {
  stage: readonly StageMember[];
  requests: readonly SpeakRequest[];
}

export interface RestoreResult {
  /** people put back on stage, the host not counted */
  restored: number;
  /** raised hands put back */
  hands: number;
  /** people the input named who were left out, and why */
  skipped: { userId: UserId; code: 'banned' | 'stage_full' }[];
}

/** longest handle accepted from outside, characters */
const MAX_HANDLE = 64;

/** checks the input and the room, reads the bans, then applies everything at once */
export async function restoreRoom(ctx: RoomContext, input: unknown): Promise<RestoreResult> {
  const { stage, requests } = parseInput(input, ctx.maxPendingRequests);
  assertFitsState(ctx.state(), stage, requests);
  assertFresh(ctx);
  const banned = new Set((await ctx.store.listBans(ctx.spaceId)).map((b) => b.userId));
  assertFresh(ctx); // the room is serialised, but the check is cheap and the rule important
  const skipped: RestoreResult['skipped'] = [];
  const members = placeMembers(ctx.roster, stage, banned, skipped);
  ctx.roster.replace(members);
  let hands = 0;
  for (const r of requests) {
    if (banned.has(r.userId)) skipped.push({ userId: r.userId, code: 'banned' });
    else if (!ctx.roster.get(r.userId)) {
      ctx.requests.set(r.userId, { ...r });
      hands++;
    }
  }
  ctx.stageChanged();
  if (hands > 0) ctx.requestsChanged();
  return { restored: members.length - 1, hands, skipped };
}

/** the stage in announced order, reconciled with the stored host and the bans */
function placeMembers(
  roster: StageRoster,
  stage: readonly StageMember[],
  banned: ReadonlySet<UserId>,
  skipped: RestoreResult['skipped'],
): StageMember[] {
  const hostId = roster.hostId;
  const host = roster.get(hostId);
  if (!host) throw new RostraError('internal', 'the room has no host on stage');
  const kept = stage.filter((m) => {
    if (m.userId === hostId || !banned.has(m.userId)) return true;
    skipped.push({ userId: m.userId, code: 'banned' });
    return false;
  });
  // seats left once the stored host no longer holds one of them
  const seats = (role: Role) =>
    (role === Role.cohost ? LIMITS.maxCohosts : LIMITS.maxSpeakers) -
    kept.filter((m) => m.role === role && m.userId !== hostId).length;
  const members: StageMember[] = kept.some((m) => m.userId === hostId) ? [] : [{ ...host }];
  for (const m of kept) {
    if (m.userId === hostId) {
      members.push({ ...host });
      continue;
    }
    let role = m.role;
    if (role === Role.host) {
      // the announced host was replaced by a hand-over the announcement did not show yet
      if (seats(Role.cohost) > 0) role = Role.cohost;
      else if (seats(Role.speaker) > 0) role = Role.speaker;
      else {
        skipped.push({ userId: m.userId, code: 'stage_full' });
        continue;
      }
    }
    members.push({ userId: m.userId, handle: m.handle, role, muted: true, connected: false });
  }
  return members;
}

function assertFresh(ctx: RoomContext): void {
  if (ctx.roster.size !== 1 || ctx.requests.size > 0 || ctx.invites.size > 0) {
    throw new RostraError('invalid_transition', 'only a freshly loaded room can be restored');
  }
}

function assertFitsState(
  state: SpaceState,
  stage: readonly StageMember[],
  requests: readonly SpeakRequest[],
): void {
  if (state === 'ended') throw new RostraError('space_ended');
  if (state === 'scheduled' && stage.length > 1) {
    throw new RostraError('space_not_live', 'nobody but the host is on stage before backstage');
  }
  if (state !== 'live' && requests.length > 0) {
    throw new RostraError('space_not_live', 'hands are raised only while live');
  }
}

const bad = (field: string, why: string): RostraError =>
  new RostraError('invalid_field', why, { details: { field } });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const isHandle = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_HANDLE;

function parseInput(input: unknown, maxRequests: number): RestoreInput {
  if (!isRecord(input) || !Array.isArray(input.stage) || !Array.isArray(input.requests)) {
    throw new RostraError('bad_request', 'a restore needs a stage and a list of raised hands');
  }
  const rawStage: unknown[] = input.stage;
  const rawRequests: unknown[] = input.requests;
  // sizes first, so an oversized input costs nothing more to refuse
  if (rawStage.length > LIMITS.maxOnStage) throw new RostraError('stage_full');
  if (rawRequests.length > maxRequests) throw new RostraError('too_many_requests');
  const stage = rawStage.map(parseMember);
  StageRoster.assertFits(stage);
  const onStage = new Set(stage.map((m) => m.userId));
  const requests = rawRequests.map(parseRequest);
  const hands = new Set<UserId>();
  for (const [i, r] of requests.entries()) {
    if (onStage.has(r.userId)) throw new RostraError('already_on_stage', `requests[${i}] is on stage`);
    if (hands.has(r.userId)) throw bad(`requests[${i}]`, 'a hand is raised twice');
    hands.add(r.userId);
  }
  return { stage, requests };
}

function parseMember(v: unknown, i: number): StageMember {
  const f = `stage[${i}]`;
  if (!isRecord(v)) throw bad(f, 'a stage member must be an object');
  if (!isId(v.userId)) throw bad(`${f}.userId`, 'userId is missing or malformed');
  if (!isHandle(v.handle)) throw bad(`${f}.handle`, 'handle is missing or too long');
  const role = v.role;
  if (role !== Role.host && role !== Role.cohost && role !== Role.speaker) {
    throw bad(`${f}.role`, 'role must be host, cohost or speaker');
  }
  return { userId: v.userId as UserId, handle: v.handle, role, muted: true, connected: false };
}

function parseRequest(v: unknown, i: number): SpeakRequest {
  const f = `requests[${i}]`;
  if (!isRecord(v)) throw bad(f, 'a raised hand must be an object');
  if (!isId(v.userId)) throw bad(`${f}.userId`, 'userId is missing or malformed');
  if (!isHandle(v.handle)) throw bad(`${f}.handle`, 'handle is missing or too long');
  if (typeof v.at !== 'number' || !Number.isFinite(v.at) || v.at < 0) {
    throw bad(`${f}.at`, 'at must be ms since epoch');
  }
  return { userId: v.userId as UserId, handle: v.handle, at: v.at };
}
