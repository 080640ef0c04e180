/**
 * The stage WebSocket (`/v1/spaces/:id/stage?token=`): for the host, co-hosts and speakers,
 * and for anyone moderating. JSON text frames, discriminated by `type`. Every client message
 * may carry `ref`; the server answers it with `ack` or `error` carrying the same ref.
 */
import type { Caption } from './captions.js';
import type { ErrorCode } from './errors.js';
import type { UserId } from './ids.js';
import type { ReactionEmoji } from './limits.js';
import type { QuestionId } from './ids.js';
import type { QuestionBoard } from './questions.js';
import type { SpaceSnapshot, SpeakRequest, SpaceCounts, Role } from './space.js';

type WithRef<T> = T & { ref?: number };

export type StageClientMessage = WithRef<
  | { type: 'go_live' }
  | { type: 'end_space' }
  | { type: 'approve_request'; userId: UserId }
  | { type: 'decline_request'; userId: UserId }
  | { type: 'invite_to_stage'; userId: UserId }
  | { type: 'move_to_audience'; userId: UserId }
  | { type: 'leave_stage' }
  | { type: 'mute'; userId: UserId }
  | { type: 'unmute' }
  | { type: 'mute_self' }
  | { type: 'make_cohost'; userId: UserId }
  | { type: 'remove_cohost'; userId: UserId }
  | { type: 'transfer_host'; userId: UserId }
  | { type: 'remove'; userId: UserId }
  | { type: 'ban'; userId: UserId }
  | { type: 'react'; emoji: ReactionEmoji }
  /** host (or admin) only: switch the recording of this Space on or off (docs/recording.md) */
  | { type: 'set_recording'; on: boolean }
  /** host (or admin) only: live captions of this Space on or off (docs/captions.md) */
  | { type: 'set_captions'; on: boolean }
  /** host/co-host: questions (docs/questions.md) */
  | { type: 'answer_question'; questionId: QuestionId }
  /** highlights one question for everyone ("now answering"); null clears the highlight */
  | { type: 'now_answering'; questionId: QuestionId | null }
  | { type: 'hide_question'; questionId: QuestionId }
  /** the author may no longer post questions (they may still listen) */
  | { type: 'ban_from_questions'; userId: UserId }
  /** switch questions on/off and set slow mode (ms, 0 = off) */
  | { type: 'set_questions'; enabled: boolean; slowModeMs: number }
  | { type: 'ping' }
>;
export type StageClientType = StageClientMessage['type'];

/** Per-speaker audio level, 0..1, derived from the decoded audio in the mixer. */
export type Levels = Record<string, number>;

export type StageServerMessage =
  | {
      type: 'welcome';
      you: { userId: UserId; role: Role };
      snapshot: SpaceSnapshot;
      requests: SpeakRequest[];
    }
  | { type: 'snapshot'; snapshot: SpaceSnapshot }
  | { type: 'requests'; requests: SpeakRequest[] }
  | { type: 'counts'; counts: SpaceCounts }
  | { type: 'reactions'; windowMs: number; counts: Partial<Record<ReactionEmoji, number>> }
  | { type: 'levels'; levels: Levels }
  | { type: 'captions'; captions: Caption[] }
  | { type: 'questions'; questions: QuestionBoard }
  /** forwarded speaker audio: which recvonly transceiver slot carries whom */
  | { type: 'slots'; slots: Record<string, UserId> }
  | { type: 'role'; role: Role }
  | { type: 'ended'; reason: string }
  | { type: 'removed'; reason: 'removed' | 'banned' }
  | { type: 'ack'; ref: number }
  | { type: 'pong' }
  | { type: 'error'; ref?: number; code: ErrorCode; message: string };
