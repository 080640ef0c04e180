/**
 * What each room command does once `authorize` let it through. Every function either throws
 * before changing anything, or applies its change and tells the context what changed.
 * The Room (room.ts) runs these one at a time (serialised), so checks and writes cannot
 * interleave.
 */
import type { SpaceId, UserId } from '../../protocol/ids.js';
import { isReaction, type ReactionEmoji } from '../../protocol/limits.js';
import type { SpaceState, SpeakRequest } from '../../protocol/space.js';
import type { Store } from '../ports/store.js';
import { RostraError } from '../errors.js';
import type { Actor } from './actor.js';
import type { StageRoster } from './stage-roster.js';
import type { RoomNotice } from './room-events.js';
import type { QuestionBook } from './question-book.js';

/** the Room's internals the commands work on */
export interface RoomContext {
  readonly spaceId: SpaceId;
  readonly store: Store;
  readonly roster: StageRoster;
  /** raised hands, oldest first (Map keeps insertion order) */
  readonly requests: Map<UserId, SpeakRequest>;
  /** pending invitations to the stage */
  readonly invites: Set<UserId>;
  readonly maxPendingRequests: number;
  /** the audience's questions (question-commands.ts) */
  readonly questions: QuestionBook;
  now(): number;
  state(): SpaceState;
  /** listening now, or connected to the stage */
  isPresent(userId: UserId): boolean;
  transition(to: SpaceState, reason: string): Promise<void>;
  /** persists the new host (compare-and-set on the current state) */
  persistHost(hostId: UserId): Promise<void>;
  /** is the Space being recorded (SpaceInfo.recording) */
  recording(): boolean;
  /** persists `recording` (compare-and-set on the current state), emits snapshot + recording */
  persistRecording(on: boolean): Promise<void>;
  /** set the host's captions switch (a no-op when it is already so) */
  switchCaptions(on: boolean): void;
  /** the roster's host changed: re-evaluate who leads */
  hostMoved(): void;
  react(emoji: ReactionEmoji): void;
  notify(userId: UserId, notice: RoomNotice): void;
  kick(userId: UserId, reason: 'removed' | 'banned'): void;
  stageChanged(): void;
  requestsChanged(): void;
}

const self = (actor: Actor): UserId => {
  if (actor.userId === null) throw new RostraError('forbidden', 'anonymous');
  return actor.userId;
};

export const goLive = (ctx: RoomContext): Promise<void> => ctx.transition('live', 'go_live');

export const endSpace = (ctx: RoomContext, actor: Actor): Promise<void> =>
  ctx.transition('ended', `ended by ${actor.handle}`);

export function approveRequest(ctx: RoomContext, target: UserId): void {
  const req = ctx.requests.get(target);
  if (!req) throw new RostraError('no_request');
  ctx.roster.addSpeaker(target, req.handle);
  ctx.requests.delete(target);
  ctx.invites.delete(target);
  ctx.notify(target, { type: 'role', role: 'speaker' });
  ctx.stageChanged();
  ctx.requestsChanged();
}

export function declineRequest(ctx: RoomContext, target: UserId): void {
  if (!ctx.requests.delete(target)) throw new RostraError('no_request');
  ctx.notify(target, { type: 'hand', raised: false });
  ctx.requestsChanged();
}

export function inviteToStage(ctx: RoomContext, target: UserId): void {
  if (ctx.roster.get(target)) throw new RostraError('already_on_stage');
  if (!ctx.isPresent(target)) throw new RostraError('not_in_space');
  ctx.roster.assertSpeakerRoom();
  ctx.invites.add(target);
  ctx.notify(target, { type: 'invited' });
}

/** move_to_audience and leave_stage */
export function toAudience(ctx: RoomContext, target: UserId): void {
  ctx.roster.remove(target);
  ctx.notify(target, { type: 'role', role: 'listener' });
  ctx.stageChanged();
}

export function setMuted(ctx: RoomContext, target: UserId, muted: boolean): void {
  if (ctx.roster.setMuted(target, muted)) ctx.stageChanged();
}

export function makeCohost(ctx: RoomContext, target: UserId): void {
  ctx.roster.makeCohost(target);
  ctx.notify(target, { type: 'role', role: 'cohost' });
  ctx.stageChanged();
}

export function removeCohost(ctx: RoomContext, target: UserId): void {
  ctx.roster.removeCohost(target);
  ctx.notify(target, { type: 'role', role: 'speaker' });
  ctx.stageChanged();
}

export async function transferHost(ctx: RoomContext, target: UserId): Promise<void> {
  const old = ctx.roster.hostId;
  if (!ctx.roster.get(target)) throw new RostraError('not_on_stage');
  await ctx.persistHost(target);
  const { oldHostRole } = ctx.roster.transferHost(target);
  ctx.hostMoved();
  ctx.notify(target, { type: 'role', role: 'host' });
  ctx.notify(old, { type: 'role', role: oldHostRole });
  ctx.stageChanged();
}

/** set_recording: a no-op when it is already so; else persisted, then everyone is told */
export async function setRecording(ctx: RoomContext, on: unknown): Promise<void> {
  if (typeof on !== 'boolean')
    throw new RostraError('invalid_field', 'on must be a boolean', { details: { field: 'on' } });
  if (ctx.recording() === on) return;
  await ctx.persistRecording(on);
}

/** set_captions: in memory on the home (a new home starts with them on), everyone is told */
export function setCaptions(ctx: RoomContext, on: unknown): void {
  if (typeof on !== 'boolean')
    throw new RostraError('invalid_field', 'on must be a boolean', { details: { field: 'on' } });
  ctx.switchCaptions(on);
}

/** remove and ban: off the stage, hands and invites dropped, connections closed */
export async function expel(
  ctx: RoomContext,
  actor: Actor,
  target: UserId,
  reason: 'removed' | 'banned',
): Promise<void> {
  const onStage = ctx.roster.get(target) !== undefined;
  const hadRequest = ctx.requests.has(target);
  if (reason === 'removed' && !onStage && !hadRequest && !ctx.isPresent(target)) {
    throw new RostraError('not_in_space');
  }
  if (reason === 'banned') {
    await ctx.store.addBan({ spaceId: ctx.spaceId, userId: target, bannedBy: self(actor), at: ctx.now() });
  }
  if (onStage) ctx.roster.remove(target);
  ctx.requests.delete(target);
  ctx.invites.delete(target);
  ctx.kick(target, reason);
  if (onStage) ctx.stageChanged();
  if (hadRequest) ctx.requestsChanged();
}

export function react(ctx: RoomContext, emoji: unknown): void {
  if (!isReaction(emoji))
    throw new RostraError('invalid_field', 'unknown reaction', { details: { field: 'emoji' } });
  ctx.react(emoji);
}

export function raiseHand(ctx: RoomContext, actor: Actor): void {
  const id = self(actor);
  if (ctx.requests.has(id)) return; // already raised: idempotent
  if (ctx.requests.size >= ctx.maxPendingRequests) {
    throw new RostraError('too_many_requests', 'too many people are already waiting to speak');
  }
  ctx.requests.set(id, { userId: id, handle: actor.handle, at: ctx.now() });
  ctx.notify(id, { type: 'hand', raised: true });
  ctx.requestsChanged();
}

export function lowerHand(ctx: RoomContext, actor: Actor): void {
  const id = self(actor);
  if (!ctx.requests.delete(id)) throw new RostraError('no_request');
  ctx.notify(id, { type: 'hand', raised: false });
  ctx.requestsChanged();
}

export function acceptInvite(ctx: RoomContext, actor: Actor): void {
  const id = self(actor);
  if (!ctx.invites.has(id)) throw new RostraError('no_invite');
  ctx.roster.addSpeaker(id, actor.handle);
  ctx.invites.delete(id);
  const hadRequest = ctx.requests.delete(id);
  ctx.notify(id, { type: 'role', role: 'speaker' });
  ctx.stageChanged();
  if (hadRequest) ctx.requestsChanged();
}

export function declineInvite(ctx: RoomContext, actor: Actor): void {
  if (!ctx.invites.delete(self(actor))) throw new RostraError('no_invite');
}
