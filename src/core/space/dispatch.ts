/**
 * Routes a client message to its command after the one authorization gate. Messages come
 * from outside: the type and any user id are validated here (bad_request / invalid_field).
 */
import type { AudienceClientMessage } from '../../protocol/audience.js';
import { isId, type UserId } from '../../protocol/ids.js';
import type { StageClientMessage } from '../../protocol/stage.js';
import type { Role } from '../../protocol/space.js';
import { RostraError } from '../errors.js';
import type { Actor } from './actor.js';
import * as cmd from './commands.js';
import * as qa from './question-commands.js';
import type { RoomContext } from './commands.js';
import type { Action } from './permissions.js';

export type Authorize = (action: Action, actor: Actor, target?: UserId) => Role;

const targetOf = (msg: { userId?: unknown }): UserId => {
  if (!isId(msg.userId)) {
    throw new RostraError('invalid_field', 'userId is missing or malformed', {
      details: { field: 'userId' },
    });
  }
  return msg.userId as UserId;
};

/** the actor's own id; only signed-in people reach the commands that call this */
const me = (actor: Actor): UserId => {
  if (actor.userId === null) throw new RostraError('forbidden');
  return actor.userId;
};

export async function dispatchStage(
  ctx: RoomContext,
  actor: Actor,
  msg: StageClientMessage,
  authorize: Authorize,
): Promise<void> {
  const m = msg as {
    type?: unknown;
    userId?: unknown;
    emoji?: unknown;
    on?: unknown;
    questionId?: unknown;
    enabled?: unknown;
    slowModeMs?: unknown;
  };
  switch (msg.type) {
    case 'ping':
      return;
    case 'answer_question':
      authorize('answer_question', actor);
      return qa.answerQuestion(ctx, m.questionId);
    case 'now_answering':
      authorize('now_answering', actor);
      return qa.nowAnswering(ctx, m.questionId);
    case 'hide_question':
      authorize('hide_question', actor);
      return qa.hideQuestion(ctx, m.questionId);
    case 'set_questions':
      authorize('set_questions', actor);
      return qa.setQuestions(ctx, m.enabled, m.slowModeMs);
    case 'set_recording':
      authorize('set_recording', actor);
      return cmd.setRecording(ctx, m.on);
    case 'set_captions':
      authorize('set_captions', actor);
      return cmd.setCaptions(ctx, m.on);
    case 'go_live':
      authorize('go_live', actor);
      return cmd.goLive(ctx);
    case 'end_space':
      authorize('end_space', actor);
      return cmd.endSpace(ctx, actor);
    case 'react':
      authorize('react', actor);
      return cmd.react(ctx, m.emoji);
    case 'leave_stage':
      authorize('leave_stage', actor);
      return cmd.toAudience(ctx, me(actor));
    case 'unmute':
      authorize('unmute', actor);
      return cmd.setMuted(ctx, me(actor), false);
    case 'mute_self':
      authorize('mute_self', actor);
      return cmd.setMuted(ctx, me(actor), true);
    case 'approve_request':
    case 'decline_request':
    case 'invite_to_stage':
    case 'move_to_audience':
    case 'mute':
    case 'make_cohost':
    case 'remove_cohost':
    case 'transfer_host':
    case 'remove':
    case 'ban':
    case 'ban_from_questions': {
      const target = targetOf(m);
      authorize(msg.type, actor, target);
      return targeted(ctx, actor, msg.type, target);
    }
    default:
      throw new RostraError('bad_request', `unknown stage message type ${String(m.type)}`);
  }
}

async function targeted(ctx: RoomContext, actor: Actor, action: Action, target: UserId): Promise<void> {
  switch (action) {
    case 'approve_request':
      return cmd.approveRequest(ctx, target);
    case 'decline_request':
      return cmd.declineRequest(ctx, target);
    case 'invite_to_stage':
      return cmd.inviteToStage(ctx, target);
    case 'move_to_audience':
      return cmd.toAudience(ctx, target);
    case 'mute':
      return cmd.setMuted(ctx, target, true);
    case 'make_cohost':
      return cmd.makeCohost(ctx, target);
    case 'remove_cohost':
      return cmd.removeCohost(ctx, target);
    case 'transfer_host':
      return cmd.transferHost(ctx, target);
    case 'remove':
      return cmd.expel(ctx, actor, target, 'removed');
    case 'ban':
      return cmd.expel(ctx, actor, target, 'banned');
    case 'ban_from_questions':
      return qa.banFromQuestions(ctx, actor, target);
    default:
      throw new RostraError('bad_request');
  }
}

export function dispatchAudience(
  ctx: RoomContext,
  actor: Actor,
  msg: AudienceClientMessage,
  authorize: Authorize,
): void | Promise<void> {
  const m = msg as { type?: unknown; emoji?: unknown; text?: unknown; questionId?: unknown };
  switch (msg.type) {
    case 'ping':
      return;
    case 'ask':
      authorize('ask', actor);
      return qa.ask(ctx, actor, m.text);
    case 'upvote':
      authorize('upvote', actor);
      return qa.upvote(ctx, actor, m.questionId);
    case 'react':
      authorize('react', actor);
      return cmd.react(ctx, m.emoji);
    case 'raise_hand':
      authorize('raise_hand', actor);
      return cmd.raiseHand(ctx, actor);
    case 'lower_hand':
      authorize('lower_hand', actor);
      return cmd.lowerHand(ctx, actor);
    case 'accept_invite':
      authorize('accept_invite', actor);
      return cmd.acceptInvite(ctx, actor);
    case 'decline_invite':
      authorize('decline_invite', actor);
      return cmd.declineInvite(ctx, actor);
    default:
      throw new RostraError('bad_request', `unknown audience message type ${String(m.type)}`);
  }
}
