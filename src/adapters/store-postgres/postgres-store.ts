/**
 * Store port on PostgreSQL (cluster mode), over a pg Pool. Every method is one statement (one
 * round trip), so no method holds a transaction open across awaits; the compare-and-set of
 * updateSpace is a single `UPDATE ... WHERE id = $1 AND state = $2 RETURNING *`.
 *
 * PostgreSQL unreachable: a call waits at most `connectTimeoutMs` for a connection and
 * `statementTimeoutMs` for its statement, then rejects; the pool reconnects on the next call.
 * Lifecycle: PostgresStore.open() (pool, migrate under an advisory lock) -> used -> close()
 * (idempotent; ends the pool; later calls reject with 'PostgresStore is closed').
 */
import pg from 'pg';
import type { Pool, QueryResultRow } from 'pg';
import { RostraError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
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
import { migratePg } from './migrate.js';
import { PostgresWebhookOutbox } from './webhook-outbox.js';
import { reminderSql } from './reminders.js';
import { PgQuestions } from './questions.js';
import {
  INT8_TYPES,
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

export interface PostgresStoreOptions {
  /** postgres://user@host:port/db; default postgres://postgres@127.0.0.1:5432/postgres */
  connectionString?: string;
  /** schema holding the tables (created if missing); [a-z_][a-z0-9_]*, default 'public' */
  schema?: string;
  /** pool size; default 10 */
  maxConnections?: number;
  /** ms to wait for a connection before a call rejects; default 5000 */
  connectTimeoutMs?: number;
  /** ms a statement may run before the server cancels it; default 10000 */
  statementTimeoutMs?: number;
  /** shown in pg_stat_activity; default 'rostra' */
  applicationName?: string;
  /** told about connection errors of idle pooled clients */
  logger?: Logger;
}

export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT };
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const isUniqueViolation = (e: unknown, constraint: string): boolean =>
  e instanceof Error &&
  (e as { code?: string }).code === '23505' &&
  (e as { constraint?: string }).constraint === constraint;

export class PostgresStore implements Store {
  readonly schema: string;
  readonly #pool: Pool;
  /** the webhook outbox on the same database (src/core/ports/webhook-outbox.ts) */
  readonly webhooks: PostgresWebhookOutbox;
  readonly #questions = new PgQuestions((sql, values) => this.#query(sql, values));
  #closed = false;

  private constructor(pool: Pool, schema: string) {
    this.#pool = pool;
    this.schema = schema;
    this.webhooks = new PostgresWebhookOutbox((sql, values) => this.#query(sql, values));
  }

  /** Connects, creates the schema if needed and applies pending migrations. */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
    const logger = options.logger ?? silentLogger;
    const pool = new pg.Pool({
      connectionString: options.connectionString ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      // every connection resolves unqualified table names in this schema only
      options: `-c search_path=${schema}`,
      types: INT8_TYPES,
      application_name: options.applicationName ?? 'rostra',
    });
    // an idle client losing its connection must not crash the process; the pool replaces it
    pool.on('error', (err) => logger.warn({ err }, 'postgres idle client error'));
    try {
      const client = await pool.connect();
      try {
        await migratePg(client, schema);
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PostgresStore(pool, schema);
  }

  async #query<R extends QueryResultRow>(sql: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    if (this.#closed) throw new Error('PostgresStore is closed');
    return this.#pool.query<R>(sql, values);
  }

  /** the highest applied migration */
  async schemaVersion(): Promise<number> {
    const r = await this.#query<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations');
    return r.rows[0]?.v ?? 0;
  }

  async createAccount(a: AccountRecord): Promise<void> {
    try {
      await this.#query(
        'INSERT INTO accounts (id, handle, password_hash, created_at) VALUES ($1, $2, $3, $4)',
        [a.id, a.handle, a.passwordHash, a.createdAt],
      );
    } catch (e) {
      if (isUniqueViolation(e, 'accounts_handle_key'))
        throw new RostraError('handle_taken', undefined, { cause: e });
      throw e;
    }
  }

  async getAccount(id: UserId): Promise<AccountRecord | null> {
    const r = await this.#query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
    return r.rows[0] ? toAccount(r.rows[0]) : null;
  }

  async getAccountByHandle(handle: string): Promise<AccountRecord | null> {
    const r = await this.#query<AccountRow>('SELECT * FROM accounts WHERE handle = $1', [handle]);
    return r.rows[0] ? toAccount(r.rows[0]) : null;
  }

  async createSpace(s: SpaceRecord): Promise<SpaceInfo> {
    const r = await this.#query<SpaceRow>(
      `INSERT INTO spaces (id, title, description, state, created_by, host_id, scheduled_for,
         started_at, ended_at, allow_anonymous, recording, reminder_count, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12) RETURNING *`,
      [
        s.id,
        s.title,
        s.description,
        s.state,
        s.createdBy,
        s.hostId,
        s.scheduledFor,
        s.startedAt,
        s.endedAt,
        s.allowAnonymous,
        s.recording,
        s.createdAt,
      ],
    );
    return toSpace(r.rows[0]!);
  }

  async getSpace(id: SpaceId): Promise<SpaceInfo | null> {
    const r = await this.#query<SpaceRow>('SELECT * FROM spaces WHERE id = $1', [id]);
    return r.rows[0] ? toSpace(r.rows[0]) : null;
  }

  async updateSpace(id: SpaceId, patch: SpacePatch, expectState?: SpaceState): Promise<SpaceInfo | null> {
    const values: unknown[] = [id];
    let where = 'id = $1';
    if (expectState !== undefined) {
      values.push(expectState);
      where += ' AND state = $2';
    }
    const sets: string[] = [];
    for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
      const value = patch[key as keyof SpacePatch];
      if (value === undefined) continue;
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    }
    const sql =
      sets.length === 0
        ? `SELECT * FROM spaces WHERE ${where}`
        : `UPDATE spaces SET ${sets.join(', ')} WHERE ${where} RETURNING *`;
    const r = await this.#query<SpaceRow>(sql, values);
    return r.rows[0] ? toSpace(r.rows[0]) : null;
  }

  async countSpacesBy(createdBy: UserId, states: readonly SpaceState[]): Promise<number> {
    if (states.length === 0) return 0;
    const r = await this.#query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM spaces WHERE created_by = $1 AND state = ANY($2::text[])',
      [createdBy, [...states]],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async listSpaces(query: ListSpacesQuery): Promise<SpaceInfo[]> {
    let remaining = Math.min(MAX_LIST_LIMIT, Math.max(0, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)));
    const out: SpaceInfo[] = [];
    // one indexed query per state, in the order the states were asked for
    for (const state of new Set(query.states)) {
      if (remaining <= 0) break;
      const order = ORDER_BY_STATE[state];
      if (!order) continue;
      const r = await this.#query<SpaceRow>(
        `SELECT * FROM spaces WHERE state = $1 ORDER BY ${order} LIMIT $2`,
        [state, remaining],
      );
      for (const row of r.rows) out.push(toSpace(row));
      remaining -= r.rows.length;
    }
    return out;
  }

  async #reminder(op: 'add' | 'remove', spaceId: SpaceId, userId: UserId): Promise<number> {
    const r = await this.#query<{ reminder_count: number }>(
      reminderSql[op],
      op === 'add' ? [spaceId, userId, Date.now()] : [spaceId, userId],
    );
    const row = r.rows[0];
    if (!row) throw new RostraError('space_not_found');
    return row.reminder_count;
  }

  addReminder(spaceId: SpaceId, userId: UserId): Promise<number> {
    return this.#reminder('add', spaceId, userId);
  }

  removeReminder(spaceId: SpaceId, userId: UserId): Promise<number> {
    return this.#reminder('remove', spaceId, userId);
  }

  async hasReminder(spaceId: SpaceId, userId: UserId): Promise<boolean> {
    const r = await this.#query('SELECT 1 FROM reminders WHERE space_id = $1 AND user_id = $2', [
      spaceId,
      userId,
    ]);
    return r.rows.length > 0;
  }

  async addBan(ban: BanRecord): Promise<void> {
    // idempotent: the first ban (who, when) is kept
    await this.#query(
      'INSERT INTO bans (space_id, user_id, banned_by, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [ban.spaceId, ban.userId, ban.bannedBy, ban.at],
    );
  }

  async isBanned(spaceId: SpaceId, userId: UserId): Promise<boolean> {
    const r = await this.#query('SELECT 1 FROM bans WHERE space_id = $1 AND user_id = $2', [spaceId, userId]);
    return r.rows.length > 0;
  }

  async listBans(spaceId: SpaceId): Promise<BanRecord[]> {
    const r = await this.#query<BanRow>(
      'SELECT * FROM bans WHERE space_id = $1 ORDER BY at ASC, user_id COLLATE "C" ASC',
      [spaceId],
    );
    return r.rows.map(toBan);
  }

  addQuestion(q: QuestionRecord): Promise<void> {
    return this.#questions.add(q);
  }

  listQuestions(spaceId: SpaceId, limit?: number): Promise<QuestionRecord[]> {
    return this.#questions.list(spaceId, limit);
  }

  setQuestionStatus(
    spaceId: SpaceId,
    id: QuestionId,
    status: QuestionStatus,
    answeredAt?: number,
  ): Promise<QuestionRecord | null> {
    return this.#questions.setStatus(spaceId, id, status, answeredAt);
  }

  addQuestionVote(spaceId: SpaceId, id: QuestionId, userId: UserId, at: number): Promise<number | null> {
    return this.#questions.vote(spaceId, id, userId, at);
  }

  getQuestionSettings(spaceId: SpaceId): Promise<QuestionSettings> {
    return this.#questions.settings(spaceId);
  }

  setQuestionSettings(spaceId: SpaceId, settings: QuestionSettings): Promise<void> {
    return this.#questions.setSettings(spaceId, settings);
  }

  addQuestionBan(ban: BanRecord): Promise<void> {
    return this.#questions.ban(ban);
  }

  listQuestionBans(spaceId: SpaceId): Promise<BanRecord[]> {
    return this.#questions.bans(spaceId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}
