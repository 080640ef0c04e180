/**
 * The questions part of the SQLite store (docs/questions.md): one short statement per call,
 * the vote and its count in one IMMEDIATE transaction. Used by SqliteStore, which owns the
 * connection and wraps every call in its open-check.
 */
import type Database from 'better-sqlite3';
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

type Sql = (sql: string) => Database.Statement;

const isForeignKeyViolation = (e: unknown): boolean =>
  e instanceof Error && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';

export class SqliteQuestions {
  constructor(
    private readonly db: Database.Database,
    private readonly sql: Sql,
  ) {}

  add(q: QuestionRecord): void {
    try {
      this.sql(
        `INSERT INTO questions (space_id, id, author_id, author_handle, text, votes, status, asked_at,
           answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...questionValues(q));
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new RostraError('space_not_found', undefined, { cause: e });
      throw e;
    }
  }

  list(spaceId: SpaceId, limit = DEFAULT_QUESTION_LIMIT): QuestionRecord[] {
    const rows = this.sql(
      'SELECT * FROM questions WHERE space_id = ? ORDER BY asked_at ASC, id ASC LIMIT ?',
    ).all(spaceId, Math.max(0, Math.floor(limit))) as QuestionRow[];
    return rows.map(toQuestion);
  }

  #get(spaceId: SpaceId, id: QuestionId): QuestionRecord | null {
    const row = this.sql('SELECT * FROM questions WHERE space_id = ? AND id = ?').get(spaceId, id) as
      QuestionRow | undefined;
    return row ? toQuestion(row) : null;
  }

  setStatus(
    spaceId: SpaceId,
    id: QuestionId,
    status: QuestionStatus,
    answeredAt?: number,
  ): QuestionRecord | null {
    const r =
      answeredAt === undefined
        ? this.sql('UPDATE questions SET status = ? WHERE space_id = ? AND id = ?').run(status, spaceId, id)
        : this.sql('UPDATE questions SET status = ?, answered_at = ? WHERE space_id = ? AND id = ?').run(
            status,
            answeredAt,
            spaceId,
            id,
          );
    return r.changes === 0 ? null : this.#get(spaceId, id);
  }

  vote(spaceId: SpaceId, id: QuestionId, userId: UserId, at: number): number | null {
    return this.db
      .transaction(() => {
        if (!this.#get(spaceId, id)) throw new RostraError('question_not_found');
        const r = this.sql(
          `INSERT INTO question_votes (space_id, question_id, user_id, at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        ).run(spaceId, id, userId, at);
        if (r.changes === 0) return null;
        this.sql('UPDATE questions SET votes = votes + 1 WHERE space_id = ? AND id = ?').run(spaceId, id);
        return this.#get(spaceId, id)?.votes ?? null;
      })
      .immediate();
  }

  settings(spaceId: SpaceId): QuestionSettings {
    const row = this.sql('SELECT enabled, slow_mode_ms FROM question_settings WHERE space_id = ?').get(
      spaceId,
    ) as { enabled: number; slow_mode_ms: number } | undefined;
    return row
      ? { enabled: Boolean(row.enabled), slowModeMs: row.slow_mode_ms }
      : { enabled: true, slowModeMs: 0 };
  }

  setSettings(spaceId: SpaceId, s: QuestionSettings): void {
    try {
      this.sql(
        `INSERT INTO question_settings (space_id, enabled, slow_mode_ms) VALUES (?, ?, ?)
         ON CONFLICT (space_id) DO UPDATE SET enabled = excluded.enabled, slow_mode_ms = excluded.slow_mode_ms`,
      ).run(spaceId, s.enabled ? 1 : 0, s.slowModeMs);
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new RostraError('space_not_found', undefined, { cause: e });
      throw e;
    }
  }

  ban(ban: BanRecord): void {
    this.sql(
      'INSERT INTO question_bans (space_id, user_id, banned_by, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(ban.spaceId, ban.userId, ban.bannedBy, ban.at);
  }

  bans(spaceId: SpaceId): BanRecord[] {
    return (
      this.sql('SELECT * FROM question_bans WHERE space_id = ? ORDER BY at ASC, user_id ASC').all(
        spaceId,
      ) as BanRow[]
    ).map(toBan);
  }
}
