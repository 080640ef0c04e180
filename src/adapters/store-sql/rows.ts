/**
 * Row <-> record mapping shared by the SQL store adapters (store-sqlite, store-postgres): the
 * same tables (their migrations are kept in step by a test), so the same columns. Booleans
 * arrive as 0/1 from SQLite and as booleans from PostgreSQL; BIGINT columns as numbers.
 */
import type { SpaceId, UserId } from '../../protocol/ids.js';
import type { SpaceInfo, SpaceState } from '../../protocol/space.js';
import type { AccountRecord, BanRecord } from '../../core/ports/store.js';

/** listSpaces limit when none is given, and the most it returns. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 500;

/** SQLite stores booleans as 0/1, PostgreSQL as booleans */
type SqlBool = number | boolean;

export interface AccountRow {
  id: string;
  handle: string;
  password_hash: string;
  created_at: number;
}

export interface SpaceRow {
  id: string;
  title: string;
  description: string;
  state: string;
  created_by: string;
  host_id: string;
  scheduled_for: number | null;
  started_at: number | null;
  ended_at: number | null;
  allow_anonymous: SqlBool;
  recording: SqlBool;
  reminder_count: number;
  created_at: number;
}

export interface BanRow {
  space_id: string;
  user_id: string;
  banned_by: string;
  at: number;
}

export const toAccount = (r: AccountRow): AccountRecord => ({
  id: r.id as UserId,
  handle: r.handle,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

export const toSpace = (r: SpaceRow): SpaceInfo => ({
  id: r.id as SpaceId,
  title: r.title,
  description: r.description,
  state: r.state as SpaceState,
  createdBy: r.created_by as UserId,
  hostId: r.host_id as UserId,
  scheduledFor: r.scheduled_for,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  allowAnonymous: Boolean(r.allow_anonymous),
  recording: Boolean(r.recording),
  reminderCount: r.reminder_count,
  createdAt: r.created_at,
});

export const toBan = (r: BanRow): BanRecord => ({
  spaceId: r.space_id as SpaceId,
  userId: r.user_id as UserId,
  bannedBy: r.banned_by as UserId,
  at: r.at,
});

/** SpacePatch key -> column. Only these columns can be patched (the SQL is built from this map). */
export const PATCH_COLUMNS = {
  state: 'state',
  hostId: 'host_id',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  title: 'title',
  description: 'description',
  recording: 'recording',
  scheduledFor: 'scheduled_for',
} as const;

/**
 * ORDER BY per state, portable (COALESCE instead of NULLS FIRST/LAST, whose default differs
 * between SQLite and PostgreSQL): live newest started first, scheduled soonest first, backstage
 * newest created first, ended most recently ended first; id breaks ties so the order is total.
 * `idCollation` makes that tie-break bytewise where the default collation is not (PostgreSQL).
 */
export function orderByState(idCollation = ''): Record<SpaceState, string> {
  const id = `id${idCollation} ASC`;
  return {
    live: `COALESCE(started_at, created_at) DESC, ${id}`,
    scheduled: `COALESCE(scheduled_for, created_at) ASC, ${id}`,
    backstage: `created_at DESC, ${id}`,
    ended: `COALESCE(ended_at, created_at) DESC, ${id}`,
  };
}
