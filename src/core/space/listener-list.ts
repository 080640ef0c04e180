/**
 * The host's list of who is listening: pages of the signed-in listeners the room already
 * tracks for presence (AudienceCounter's map), never a structure that a join has to update.
 * A page walks that map from an offset; a search walks at most LIMITS.maxListenerScan entries
 * per request and says where to go on (`next`). Handles come from the store, remembered in a
 * bounded cache, so paging again costs no store reads. Cost: per request O(offset + scanned),
 * at most maxListenerPage + maxListenerScan store reads; per join nothing.
 *
 * Offsets are positions in join order: someone leaving moves later people one place up, so
 * a page may skip or repeat one person while the room changes. That is fine for a moderator's
 * view; it never shows someone who is not listening.
 */
import type { UserId } from '../../protocol/ids.js';
import type { ListenerPage } from '../../protocol/api.js';
import { LIMITS } from '../../protocol/limits.js';
import { RostraError } from '../errors.js';

/** entries the handle cache keeps before it starts over (bounded memory per room) */
const HANDLE_CACHE_MAX = 20_000;

export interface ListenerQuery {
  /** handle prefix to search for (case-insensitive, a leading @ is ignored) */
  q?: string;
  /** offset from a previous page's `next` */
  cursor?: number;
  limit?: number;
}

export interface ListenerSource {
  ids(): IterableIterator<UserId>;
  sizes(): { named: number; anonymous: number };
  /** the account's handle, or null if there is no such account */
  handleOf(id: UserId): Promise<string | null>;
}

/** Checks a query from outside; throws invalid_field (nothing changed). */
export function parseListenerQuery(raw: { q?: unknown; cursor?: unknown; limit?: unknown }): ListenerQuery {
  const out: ListenerQuery = {};
  const bad = (field: string): never => {
    throw new RostraError('invalid_field', `${field} is not valid`, { details: { field } });
  };
  if (raw.q !== undefined && raw.q !== null && raw.q !== '') {
    if (typeof raw.q !== 'string') bad('q');
    const q = (raw.q as string).trim().replace(/^@/, '').toLowerCase();
    if (q.length > 32 || !/^[a-z0-9_]*$/.test(q)) bad('q');
    if (q) out.q = q;
  }
  const int = (v: unknown, field: string, min: number, max: number): number | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) bad(field);
    return n as number;
  };
  const cursor = int(raw.cursor, 'cursor', 0, 10_000_000);
  const limit = int(raw.limit, 'limit', 1, LIMITS.maxListenerPage);
  if (cursor !== undefined) out.cursor = cursor;
  if (limit !== undefined) out.limit = limit;
  return out;
}

export class ListenerList {
  readonly #handles = new Map<UserId, string>();

  constructor(private readonly source: ListenerSource) {}

  async page(query: ListenerQuery): Promise<ListenerPage> {
    const limit = Math.min(query.limit ?? 20, LIMITS.maxListenerPage);
    const start = query.cursor ?? 0;
    const q = query.q ?? '';
    const scanMax = q ? LIMITS.maxListenerScan : limit;
    const picked: UserId[] = [];
    let index = 0;
    let scanned = 0;
    let more = false;
    for (const id of this.source.ids()) {
      if (index++ < start) continue;
      if (picked.length >= limit || scanned >= scanMax) {
        more = true;
        break;
      }
      scanned++;
      if (!q) {
        picked.push(id);
        continue;
      }
      const handle = await this.#handle(id);
      if (handle?.startsWith(q)) picked.push(id);
    }
    const listeners: ListenerPage['listeners'] = [];
    for (const userId of picked) {
      const handle = await this.#handle(userId);
      if (handle !== null) listeners.push({ userId, handle });
    }
    return { listeners, next: more ? start + scanned : null, ...this.source.sizes() };
  }

  async #handle(id: UserId): Promise<string | null> {
    const known = this.#handles.get(id);
    if (known !== undefined) return known;
    const handle = await this.source.handleOf(id);
    if (handle === null) return null;
    if (this.#handles.size >= HANDLE_CACHE_MAX) this.#handles.clear();
    this.#handles.set(id, handle);
    return handle;
  }
}
