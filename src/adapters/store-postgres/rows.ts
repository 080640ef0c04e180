/**
 * Row <-> record mapping for the PostgreSQL store. BIGINT columns arrive as numbers (the pool
 * installs an int8 parser, see INT8_TYPES); BOOLEAN columns as booleans.
 */
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import type { SpaceId, UserId } from '../../protocol/ids.js';
import type { SpaceInfo, SpaceState } from '../../protocol/space.js';
import type { AccountRecord, BanRecord } from '../../core/ports/store.js';

const INT8_OID = 20;

/**
 * Parses BIGINT (int8) as a JS number, for this store's pool only (pg's global parsers are
 * left alone). Safe: every BIGINT here is ms since epoch or a count, far below 2^53.
 */
const parseInt8 = (v: string): number => Number(v);
const defaultParser = pg.types.getTypeParser as (oid: number, format?: string) => unknown;

export const INT8_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : defaultParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

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
  allow_anonymous: boolean;
  recording: boolean;
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
  allowAnonymous: r.allow_anonymous,
  recording: r.recording,
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
} as const;

/**
 * ORDER BY per state, the same order as the SQLite store: live newest started first, scheduled
 * soonest first, backstage newest created first, ended most recently ended first; id breaks ties.
 * COLLATE "C" makes the id tie-break bytewise, as in SQLite.
 */
export const ORDER_BY_STATE: Record<SpaceState, string> = {
  live: 'COALESCE(started_at, created_at) DESC, id COLLATE "C" ASC',
  scheduled: 'COALESCE(scheduled_for, created_at) ASC, id COLLATE "C" ASC',
  backstage: 'created_at DESC, id COLLATE "C" ASC',
  ended: 'COALESCE(ended_at, created_at) DESC, id COLLATE "C" ASC',
};
