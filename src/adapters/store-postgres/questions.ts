/**
 * The questions part of the PostgreSQL store (docs/questions.md). Every call is ONE statement;
 * a vote inserts its row and bumps the count in one statement (a CTE), so `votes` always equals
 * the rows in question_votes. Used by PostgresStore, which owns the pool.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import { RostraError } from '../../core/errors.js';
import type { QuestionId, SpaceId, UserId } from '../../protocol/ids.js';
import type { QuestionSettings, QuestionStatus } from '../../protocol/questions.js';
import type { BanRecord, QuestionRecord } from '../../core/ports/store.js';
import {
  DEFAULT_QUESTION_LIMIT,
  questionValues,
  toQuestion,
  type QuestionRow,
} from '../store-sql/questions.js';
import { toBan, type BanRow } from './rows.js';

type Query = <R extends QueryResultRow>(sql: string, values?: unknown[]) => Promise<QueryResult<R>>;

const FOREIGN_KEY_VIOLATION = '23503';
const isForeignKeyViolation = (e: unknown): boolean =>
  e instanceof Error && (e as { code?: string }).code === FOREIGN_KEY_VIOLATION;

/** $1 space, $2 question, $3 user, $4 at: the new count, or no row when the vote existed */
const VOTE_SQL = `
WITH q AS (SELECT id FROM questions WHERE space_id = $1 AND id = $2 FOR UPDATE),
added AS (
  INSERT INTO question_votes (space_id, question_id, user_id, at)
  SELECT $1, id, $3, $4::bigint FROM q
  ON CONFLICT DO NOTHING RETURNING 1
)
UPDATE questions SET votes = votes + 1
WHERE space_id = $1 AND id IN (SELECT id FROM q) AND EXISTS (SELECT 1 FROM added)
RETURNING votes`;

export class PgQuestions {
  constructor(private readonly query: Query) {}

  async add(q: QuestionRecord): Promise<void> {
    try {
      await this.query(
        `INSERT INTO questions (space_id, id, author_id, author_handle, text, votes, status, asked_at,
           answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [...questionValues(q)],
      );
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new RostraError('space_not_found', undefined, { cause: e });
      throw e;
    }
  }

  async list(spaceId: SpaceId, limit = DEFAULT_QUESTION_LIMIT): Promise<QuestionRecord[]> {
    const r = await this.query<QuestionRow>(
      'SELECT * FROM questions WHERE space_id = $1 ORDER BY asked_at ASC, id COLLATE "C" ASC LIMIT $2',
      [spaceId, Math.max(0, Math.floor(limit))],
    );
    return r.rows.map(toQuestion);
  }

  async setStatus(
    spaceId: SpaceId,
    id: QuestionId,
    status: QuestionStatus,
    answeredAt?: number,
  ): Promise<QuestionRecord | null> {
    const r = await this.query<QuestionRow>(
      `UPDATE questions SET status = $3, answered_at = COALESCE($4::bigint, answered_at)
       WHERE space_id = $1 AND id = $2 RETURNING *`,
      [spaceId, id, status, answeredAt ?? null],
    );
    return r.rows[0] ? toQuestion(r.rows[0]) : null;
  }

  async vote(spaceId: SpaceId, id: QuestionId, userId: UserId, at: number): Promise<number | null> {
    const r = await this.query<{ votes: number }>(VOTE_SQL, [spaceId, id, userId, at]);
    const row = r.rows[0];
    if (row) return row.votes;
    // no row: the vote was there already, or there is no such question
    const found = await this.query('SELECT 1 FROM questions WHERE space_id = $1 AND id = $2', [spaceId, id]);
    if (found.rows.length === 0) throw new RostraError('question_not_found');
    return null;
  }

  async settings(spaceId: SpaceId): Promise<QuestionSettings> {
    const r = await this.query<{ enabled: boolean; slow_mode_ms: number }>(
      'SELECT enabled, slow_mode_ms FROM question_settings WHERE space_id = $1',
      [spaceId],
    );
    const row = r.rows[0];
    return row ? { enabled: row.enabled, slowModeMs: row.slow_mode_ms } : { enabled: true, slowModeMs: 0 };
  }

  async setSettings(spaceId: SpaceId, s: QuestionSettings): Promise<void> {
    try {
      await this.query(
        `INSERT INTO question_settings (space_id, enabled, slow_mode_ms) VALUES ($1, $2, $3)
         ON CONFLICT (space_id) DO UPDATE SET enabled = EXCLUDED.enabled, slow_mode_ms = EXCLUDED.slow_mode_ms`,
        [spaceId, s.enabled, s.slowModeMs],
      );
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new RostraError('space_not_found', undefined, { cause: e });
      throw e;
    }
  }

  async ban(ban: BanRecord): Promise<void> {
    await this.query(
      'INSERT INTO question_bans (space_id, user_id, banned_by, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [ban.spaceId, ban.userId, ban.bannedBy, ban.at],
    );
  }

  async bans(spaceId: SpaceId): Promise<BanRecord[]> {
    const r = await this.query<BanRow>(
      'SELECT * FROM question_bans WHERE space_id = $1 ORDER BY at ASC, user_id COLLATE "C" ASC',
      [spaceId],
    );
    return r.rows.map(toBan);
  }
}
