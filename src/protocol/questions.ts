/**
 * Questions from the audience (docs/questions.md): signed-in people post short questions,
 * others upvote, the host and co-hosts answer them. Everyone sees the board (top questions by
 * votes, newest first on a tie, and the one being answered); it travels in the snapshot and in
 * `questions` bulletins at most once per QUESTION_LIMITS.bulletinMs, never one message per post.
 */
import type { QuestionId, UserId } from './ids.js';

export const QUESTION_LIMITS = {
  /** longest question, characters (Unicode code points, after trimming) */
  maxLength: 280,
  /** posts per person per minute (a rolling 60 s window) */
  postsPerMinute: 3,
  /** longest slow mode a host may set, ms: then one post per person per this long */
  maxSlowModeMs: 10 * 60_000,
  /** open questions everyone sees, most votes first */
  topN: 10,
  /** questions kept per Space (open, answered and hidden); more are refused with questions_full */
  maxPerSpace: 2_000,
  /** shortest interval between two `questions` bulletins, ms */
  bulletinMs: 2_000,
} as const;

/** open -> answering ("now answering", one at a time) -> answered; hidden by a moderator */
export const QuestionStatus = {
  open: 'open',
  answering: 'answering',
  answered: 'answered',
  hidden: 'hidden',
} as const;
export type QuestionStatus = (typeof QuestionStatus)[keyof typeof QuestionStatus];

export interface Question {
  id: QuestionId;
  authorId: UserId;
  authorHandle: string;
  /** plain text: clients render it as text, never as HTML */
  text: string;
  votes: number;
  status: QuestionStatus;
  /** ms since epoch */
  askedAt: number;
  /** ms since epoch; set when answered */
  answeredAt: number | null;
}

/** Whether questions are on and how fast one person may post (host/co-host set it live). */
export interface QuestionSettings {
  enabled: boolean;
  /** 0 = off; else one post per person per this many ms */
  slowModeMs: number;
}

/** What everyone sees of the questions (in SpaceSnapshot and in `questions` bulletins). */
export interface QuestionBoard extends QuestionSettings {
  /** open questions, most votes first, newest first on a tie; at most QUESTION_LIMITS.topN */
  top: Question[];
  /** the question the stage is answering now, if any */
  nowAnswering: Question | null;
  /** open questions in all (the board shows the top ones) */
  open: number;
  answered: number;
}

export const emptyQuestionBoard = (): QuestionBoard => ({
  enabled: true,
  slowModeMs: 0,
  top: [],
  nowAnswering: null,
  open: 0,
  answered: 0,
});

/** GET /v1/spaces/:id/questions (hidden ones only for the host, co-hosts and admins) */
export interface QuestionListResponse {
  questions: Question[];
  settings: QuestionSettings;
}
