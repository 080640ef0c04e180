/**
 * Store port on SQLite (better-sqlite3): the embedded default. One connection per process,
 * WAL journal (readers never block the writer), a busy timeout for the rare second process,
 * foreign keys on. better-sqlite3 is synchronous; each call is short (indexed lookups), and the
 * methods return promises so the port is the same as for network stores.
 *
 * Lifecycle: open (mkdir -p the parent dir, pragmas, migrate) -> used -> close() (idempotent;
 * later calls reject with 'SqliteStore is closed').
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { RostraError } from '../../core/errors.js';
import type { QuestionId, SpaceId, UserId } from '../../protocol/ids.js';
import type { QuestionSettings, QuestionStatus } from '../../protocol/questions.js';
import type { SpaceInfo, SpaceState } from '../../protocol/space.js';
import type {
  AccountRecord,
  BanRecord,
  ListSpacesQuery,
  QuestionRecord,
  SpacePatch,
  SpaceRecord,
  Store,
} from '../../core/ports/store.js';
import { migrate } from './migrate.js';
import { SqliteWebhookOutbox } from './webhook-outbox.js';
import { SqliteQuestions } from './questions.js';
import {
  ORDER_BY_STATE,
  PATCH_COLUMNS,
  toAccount,
  toBan,
  toSpace,
  type AccountRow,
  type BanRow,
  type SpaceRow,
} from './rows.js';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../store-sql/rows.js';

export interface SqliteStoreOptions {
  /** a file path, or ':memory:' for a throw-away database */
  path: string;
  /** ms a statement waits for another process's write lock before failing; default 5000 */
  busyTimeoutMs?: number;
  /**
   * 'normal' (default): with WAL a commit survives a process crash, the last commits may be lost
   * on power loss. 'full': fsync on every commit, survives power loss, slower writes.
   */
  synchronous?: 'normal' | 'full';
}

export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT };

const isUniqueViolation = (e: unknown, column: string): boolean =>
  e instanceof Error &&
  (e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true &&
  e.message.includes(column);

export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: Database.Database;
  /** prepared statements by SQL text; preparing costs more than running a small query */
  readonly #statements = new Map<string, Database.Statement>();
  /** the webhook outbox on the same database (src/core/ports/webhook-outbox.ts) */
  readonly webhooks: SqliteWebhookOutbox;
  readonly #questions: SqliteQuestions;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    if (options.path !== ':memory:') {
      // password hashes live here: the file is the server user's alone; SQLite gives its
      // -wal and -shm files the same mode as the database file
      mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
      closeSync(openSync(options.path, 'a', 0o600));
      chmodSync(options.path, 0o600);
    }
    const db = new Database(options.path);
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      migrate(db);
    } catch (e) {
      db.close();
      throw e;
    }
    this.#db = db;
    this.webhooks = new SqliteWebhookOutbox(
      db,
      (sql) => this.#sql(sql),
      (fn) => this.#run(fn),
    );
    this.#questions = new SqliteQuestions(db, (sql) => this.#sql(sql));
  }

  /** 'wal' for files, 'memory' for ':memory:' */
  get journalMode(): string {
    return this.#db.pragma('journal_mode', { simple: true }) as string;
  }

  get schemaVersion(): number {
    const row = this.#sql('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number };
    return row.v;
  }

  #sql(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) this.#statements.set(sql, (stmt = this.#db.prepare(sql)));
    return stmt;
  }

  /** Runs `fn` on the open database; throws become rejections. */
  #run<T>(fn: () => T): Promise<T> {
    try {
      if (this.#closed) throw new Error('SqliteStore is closed');
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  createAccount(a: AccountRecord): Promise<void> {
    return this.#run(() => {
      try {
        this.#sql('INSERT INTO accounts (id, handle, password_hash, created_at) VALUES (?, ?, ?, ?)').run(
          a.id,
          a.handle,
          a.passwordHash,
          a.createdAt,
        );
      } catch (e) {
        if (isUniqueViolation(e, 'accounts.handle'))
          throw new RostraError('handle_taken', undefined, { cause: e });
        throw e;
      }
    });
  }

  getAccount(id: UserId): Promise<AccountRecord | null> {
    return this.#run(() => {
      const row = this.#sql('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
      return row ? toAccount(row) : null;
    });
  }

  getAccountByHandle(handle: string): Promise<AccountRecord | null> {
    return this.#run(() => {
      const row = this.#sql('SELECT * FROM accounts WHERE handle = ?').get(handle) as AccountRow | undefined;
      return row ? toAccount(row) : null;
    });
  }

  createSpace(s: SpaceRecord): Promise<SpaceInfo> {
    return this.#run(() => {
      this.#sql(
        `INSERT INTO spaces (id, title, description, state, created_by, host_id, scheduled_for,
           started_at, ended_at, allow_anonymous, recording, reminder_count, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      ).run(
        s.id,
        s.title,
        s.description,
        s.state,
        s.createdBy,
        s.hostId,
        s.scheduledFor,
        s.startedAt,
        s.endedAt,
        s.allowAnonymous ? 1 : 0,
        s.recording ? 1 : 0,
        s.createdAt,
      );
      return this.#getSpace(s.id)!;
    });
  }

  #getSpace(id: SpaceId): SpaceInfo | null {
    const row = this.#sql('SELECT * FROM spaces WHERE id = ?').get(id) as SpaceRow | undefined;
    return row ? toSpace(row) : null;
  }

  getSpace(id: SpaceId): Promise<SpaceInfo | null> {
    return this.#run(() => this.#getSpace(id));
  }

  updateSpace(id: SpaceId, patch: SpacePatch, expectState?: SpaceState): Promise<SpaceInfo | null> {
    return this.#run(() =>
      this.#db
        .transaction(() => {
          const sets: string[] = [];
          const values: (string | number | null)[] = [];
          for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
            const value = patch[key as keyof SpacePatch];
            if (value === undefined) continue;
            sets.push(`${column} = ?`);
            values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value); // no booleans in SQLite
          }
          const where = expectState === undefined ? 'id = ?' : 'id = ? AND state = ?';
          const whereValues = expectState === undefined ? [id] : [id, expectState];
          if (sets.length === 0) {
            const row = this.#sql(`SELECT id FROM spaces WHERE ${where}`).get(...whereValues);
            return row ? this.#getSpace(id) : null;
          }
          const result = this.#sql(`UPDATE spaces SET ${sets.join(', ')} WHERE ${where}`).run(
            ...values,
            ...whereValues,
          );
          return result.changes === 0 ? null : this.#getSpace(id);
        })
        .immediate(),
    );
  }

  countSpacesBy(createdBy: UserId, states: readonly SpaceState[]): Promise<number> {
    return this.#run(() => {
      if (states.length === 0) return 0;
      const marks = states.map(() => '?').join(', ');
      const row = this.#sql(
        `SELECT COUNT(*) AS n FROM spaces WHERE created_by = ? AND state IN (${marks})`,
      ).get(createdBy, ...states) as { n: number };
      return Number(row.n);
    });
  }

  listSpaces(query: ListSpacesQuery): Promise<SpaceInfo[]> {
    return this.#run(() => {
      let remaining = Math.min(MAX_LIST_LIMIT, Math.max(0, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)));
      const out: SpaceInfo[] = [];
      // one indexed query per state, in the order the states were asked for
      for (const state of new Set(query.states)) {
        if (remaining <= 0) break;
        const order = ORDER_BY_STATE[state];
        if (!order) continue;
        const rows = this.#sql(`SELECT * FROM spaces WHERE state = ? ORDER BY ${order} LIMIT ?`).all(
          state,
          remaining,
        ) as SpaceRow[];
        for (const row of rows) out.push(toSpace(row));
        remaining -= rows.length;
      }
      return out;
    });
  }

  #reminderCount(spaceId: SpaceId): number {
    const row = this.#sql('SELECT reminder_count AS n FROM spaces WHERE id = ?').get(spaceId) as
      { n: number } | undefined;
    if (!row) throw new RostraError('space_not_found');
    return row.n;
  }

  addReminder(spaceId: SpaceId, userId: UserId): Promise<number> {
    return this.#run(() =>
      this.#db
        .transaction(() => {
          this.#reminderCount(spaceId); // refuses an unknown Space before inserting
          const r = this.#sql(
            'INSERT INTO reminders (space_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          ).run(spaceId, userId, Date.now());
          if (r.changes > 0) {
            this.#sql('UPDATE spaces SET reminder_count = reminder_count + 1 WHERE id = ?').run(spaceId);
          }
          return this.#reminderCount(spaceId);
        })
        .immediate(),
    );
  }

  removeReminder(spaceId: SpaceId, userId: UserId): Promise<number> {
    return this.#run(() =>
      this.#db
        .transaction(() => {
          this.#reminderCount(spaceId);
          const r = this.#sql('DELETE FROM reminders WHERE space_id = ? AND user_id = ?').run(
            spaceId,
            userId,
          );
          if (r.changes > 0) {
            this.#sql('UPDATE spaces SET reminder_count = reminder_count - 1 WHERE id = ?').run(spaceId);
          }
          return this.#reminderCount(spaceId);
        })
        .immediate(),
    );
  }

  hasReminder(spaceId: SpaceId, userId: UserId): Promise<boolean> {
    return this.#run(
      () =>
        this.#sql('SELECT 1 FROM reminders WHERE space_id = ? AND user_id = ?').get(spaceId, userId) !==
        undefined,
    );
  }

  addBan(ban: BanRecord): Promise<void> {
    return this.#run(() => {
      // idempotent: the first ban (who, when) is kept
      this.#sql(
        'INSERT INTO bans (space_id, user_id, banned_by, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(ban.spaceId, ban.userId, ban.bannedBy, ban.at);
    });
  }

  isBanned(spaceId: SpaceId, userId: UserId): Promise<boolean> {
    return this.#run(
      () =>
        this.#sql('SELECT 1 FROM bans WHERE space_id = ? AND user_id = ?').get(spaceId, userId) !== undefined,
    );
  }

  listBans(spaceId: SpaceId): Promise<BanRecord[]> {
    return this.#run(() =>
      (
        this.#sql('SELECT * FROM bans WHERE space_id = ? ORDER BY at ASC, user_id ASC').all(
          spaceId,
        ) as BanRow[]
      ).map(toBan),
    );
  }

  addQuestion(q: QuestionRecord): Promise<void> {
    return this.#run(() => this.#questions.add(q));
  }

  listQuestions(spaceId: SpaceId, limit?: number): Promise<QuestionRecord[]> {
    return this.#run(() => this.#questions.list(spaceId, limit));
  }

  setQuestionStatus(
    spaceId: SpaceId,
    id: QuestionId,
    status: QuestionStatus,
    answeredAt?: number,
  ): Promise<QuestionRecord | null> {
    return this.#run(() => this.#questions.setStatus(spaceId, id, status, answeredAt));
  }

  addQuestionVote(spaceId: SpaceId, id: QuestionId, userId: UserId, at: number): Promise<number | null> {
    return this.#run(() => this.#questions.vote(spaceId, id, userId, at));
  }

  getQuestionSettings(spaceId: SpaceId): Promise<QuestionSettings> {
    return this.#run(() => this.#questions.settings(spaceId));
  }

  setQuestionSettings(spaceId: SpaceId, settings: QuestionSettings): Promise<void> {
    return this.#run(() => this.#questions.setSettings(spaceId, settings));
  }

  addQuestionBan(ban: BanRecord): Promise<void> {
    return this.#run(() => this.#questions.ban(ban));
  }

  listQuestionBans(spaceId: SpaceId): Promise<BanRecord[]> {
    return this.#run(() => this.#questions.bans(spaceId));
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#statements.clear();
      this.#db.close();
    }
    return Promise.resolve();
  }
}
