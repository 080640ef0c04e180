/**
 * The questions tables (migration 3, the same SQL on SQLite and PostgreSQL) and their row
 * mapping, shared by both SQL store adapters. A question's `votes` is kept equal to its rows in
 * question_votes, in the same transaction (SQLite) or statement (PostgreSQL).
 */
import type { QuestionId, SpaceId, UserId } from '../../protocol/ids.js';
import type { QuestionStatus } from '../../protocol/questions.js';
import type { QuestionRecord } from '../../core/ports/store.js';

export const QUESTIONS_MIGRATION = {
  version: 3,
  name: 'questions',
  sql: `
CREATE TABLE questions (
  space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  author_id TEXT NOT NULL,
  author_handle TEXT NOT NULL,
  text TEXT NOT NULL,
  votes BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('open', 'answering', 'answered', 'hidden')),
  asked_at BIGINT NOT NULL,
  answered_at BIGINT,
  PRIMARY KEY (space_id, id)
);
CREATE TABLE question_votes (
  space_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (space_id, question_id, user_id),
  FOREIGN KEY (space_id, question_id) REFERENCES questions (space_id, id) ON DELETE CASCADE
);
CREATE TABLE question_settings (
  space_id TEXT PRIMARY KEY REFERENCES spaces (id) ON DELETE CASCADE,
  enabled BOOLEAN NOT NULL,
  slow_mode_ms BIGINT NOT NULL
);
CREATE TABLE question_bans (
  space_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  banned_by TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (space_id, user_id)
);
`,
} as const;

export interface QuestionRow {
  space_id: string;
  id: string;
  author_id: string;
  author_handle: string;
  text: string;
  votes: number;
  status: string;
  asked_at: number;
  answered_at: number | null;
}

export const toQuestion = (r: QuestionRow): QuestionRecord => ({
  spaceId: r.space_id as SpaceId,
  id: r.id as QuestionId,
  authorId: r.author_id as UserId,
  authorHandle: r.author_handle,
  text: r.text,
  votes: r.votes,
  status: r.status as QuestionStatus,
  askedAt: r.asked_at,
  answeredAt: r.answered_at,
});

export const questionValues = (q: QuestionRecord) =>
  [q.spaceId, q.id, q.authorId, q.authorHandle, q.text, q.votes, q.status, q.askedAt, q.answeredAt] as const;

/** questions of a Space listed without a limit return at most this many */
export const DEFAULT_QUESTION_LIMIT = 2_000;
