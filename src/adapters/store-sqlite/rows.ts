/** Row <-> record mapping for the SQLite store. SQLite has no boolean: 0/1 integers. */
import type { SpaceId, UserId } from '../../protocol/ids.js';
import type { SpaceInfo, SpaceState } from '../../protocol/space.js';
import type { AccountRecord, BanRecord } from '../../core/ports/store.js';

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
  allow_anonymous: number;
  recording: number;
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
  allowAnonymous: r.allow_anonymous !== 0,
  recording: r.recording !== 0,
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
 * ORDER BY per state, portable (COALESCE instead of NULLS FIRST/LAST, whose default differs
 * between SQLite and PostgreSQL): live newest first, scheduled soonest first, backstage newest
 * created first, ended most recently ended first; id breaks ties so the order is total.
 */
export const ORDER_BY_STATE: Record<SpaceState, string> = {
  live: 'COALESCE(started_at, created_at) DESC, id ASC',
  scheduled: 'COALESCE(scheduled_for, created_at) ASC, id ASC',
  backstage: 'created_at DESC, id ASC',
  ended: 'COALESCE(ended_at, created_at) DESC, id ASC',
};
