/**
 * Numbered schema migrations, applied in order and recorded in `schema_migrations`.
 *
 * The SQL is kept portable between SQLite and PostgreSQL so a PostgreSQL adapter can run the
 * same list: TEXT / BIGINT / BOOLEAN column types, CHECK constraints, `ON CONFLICT DO NOTHING`
 * in the adapters' statements, no AUTOINCREMENT, no SQLite-only pragmas. Timestamps are ms since
 * epoch in BIGINT columns. A migration, once released, is never edited: add a new number.
 */
import { QUESTIONS_MIGRATION } from '../store-sql/questions.js';

export interface Migration {
  /** 1, 2, 3, ... without gaps */
  version: number;
  name: string;
  /** one or more statements separated by ';' */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts_spaces_reminders_bans',
    sql: `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE spaces (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('scheduled', 'backstage', 'live', 'ended')),
  created_by TEXT NOT NULL,
  host_id TEXT NOT NULL,
  scheduled_for BIGINT,
  started_at BIGINT,
  ended_at BIGINT,
  allow_anonymous BOOLEAN NOT NULL,
  recording BOOLEAN NOT NULL,
  -- kept equal to the number of rows in reminders for this Space, in the same transaction
  reminder_count BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX spaces_state_idx ON spaces (state);

CREATE TABLE reminders (
  space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (space_id, user_id)
);

CREATE TABLE bans (
  space_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  banned_by TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (space_id, user_id)
);
`,
  },
  {
    version: 2,
    name: 'webhook_outbox',
    sql: `
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  space_id TEXT,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  -- the node attempting it and until when (ms); NULL when no attempt is under way
  lease_owner TEXT,
  lease_until BIGINT,
  last_attempt_at BIGINT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at);
CREATE INDEX webhook_deliveries_space_idx ON webhook_deliveries (space_id, created_at);

CREATE TABLE space_webhooks (
  space_id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  set_by TEXT NOT NULL,
  at BIGINT NOT NULL
);
`,
  },
  QUESTIONS_MIGRATION,
];
/** The DDL of the table that records applied migrations (portable too). */
export const SCHEMA_MIGRATIONS_DDL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;
