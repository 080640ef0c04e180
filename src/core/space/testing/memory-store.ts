/**
 * A tiny in-memory Store for unit tests of the Space domain. Implements the port's semantics
 * that the Room relies on (compare-and-set updateSpace, idempotent bans/reminders); not an
 * adapter for production (the embedded default is store-sqlite).
 */
import type { QuestionId, SpaceId, UserId } from '../../../protocol/ids.js';
import type { QuestionSettings, QuestionStatus } from '../../../protocol/questions.js';
import type { SpaceInfo, SpaceState } from '../../../protocol/space.js';
import { RostraError } from '../../errors.js';
import type {
  AccountRecord,
  BanRecord,
  ListSpacesQuery,
  QuestionRecord,
  SpacePatch,
  SpaceRecord,
  Store,
} from '../../ports/store.js';
import { MemoryWebhookOutbox } from './memory-outbox.js';

export class MemoryStore implements Store {
  readonly accounts = new Map<UserId, AccountRecord>();
  readonly spaces = new Map<SpaceId, SpaceRecord>();
  readonly reminders = new Map<SpaceId, Set<UserId>>();
  readonly bans = new Map<SpaceId, Map<UserId, BanRecord>>();
  readonly webhooks = new MemoryWebhookOutbox();
  readonly questions = new Map<string, QuestionRecord>();
  readonly votes = new Set<string>();
  readonly questionSettings = new Map<SpaceId, QuestionSettings>();
  readonly questionBans = new Map<SpaceId, Map<UserId, BanRecord>>();
  /** number of updateSpace calls, for tests that count writes */
  updates = 0;

  createAccount(account: AccountRecord): Promise<void> {
    for (const a of this.accounts.values()) {
      if (a.handle === account.handle) return Promise.reject(new RostraError('handle_taken'));
    }
    this.accounts.set(account.id, { ...account });
    return Promise.resolve();
  }

  getAccount(id: UserId): Promise<AccountRecord | null> {
    const a = this.accounts.get(id);
    return Promise.resolve(a ? { ...a } : null);
  }

  getAccountByHandle(handle: string): Promise<AccountRecord | null> {
    const a = [...this.accounts.values()].find((x) => x.handle === handle);
    return Promise.resolve(a ? { ...a } : null);
  }

  createSpace(space: SpaceRecord): Promise<SpaceInfo> {
    this.spaces.set(space.id, { ...space });
    return Promise.resolve(this.#info(space));
  }

  getSpace(id: SpaceId): Promise<SpaceInfo | null> {
    const s = this.spaces.get(id);
    return Promise.resolve(s ? this.#info(s) : null);
  }

  updateSpace(id: SpaceId, patch: SpacePatch, expectState?: SpaceInfo['state']): Promise<SpaceInfo | null> {
    this.updates++;
    const s = this.spaces.get(id);
    if (!s || (expectState !== undefined && s.state !== expectState)) return Promise.resolve(null);
    const next = { ...s, ...patch };
    this.spaces.set(id, next);
    return Promise.resolve(this.#info(next));
  }

  listSpaces(query: ListSpacesQuery): Promise<SpaceInfo[]> {
    const limit = Math.min(query.limit ?? 100, 500);
    const list = [...this.spaces.values()].filter((s) => query.states.includes(s.state));
    return Promise.resolve(list.slice(0, limit).map((s) => this.#info(s)));
  }

  countSpacesBy(createdBy: UserId, states: readonly SpaceState[]): Promise<number> {
    const mine = [...this.spaces.values()].filter(
      (s) => s.createdBy === createdBy && states.includes(s.state),
    );
    return Promise.resolve(mine.length);
  }

  addReminder(spaceId: SpaceId, userId: UserId): Promise<number> {
    const set = this.reminders.get(spaceId) ?? new Set<UserId>();
    set.add(userId);
    this.reminders.set(spaceId, set);
    return Promise.resolve(set.size);
  }

  removeReminder(spaceId: SpaceId, userId: UserId): Promise<number> {
    const set = this.reminders.get(spaceId);
    set?.delete(userId);
    return Promise.resolve(set?.size ?? 0);
  }

  hasReminder(spaceId: SpaceId, userId: UserId): Promise<boolean> {
    return Promise.resolve(this.reminders.get(spaceId)?.has(userId) ?? false);
  }

  addBan(ban: BanRecord): Promise<void> {
    const m = this.bans.get(ban.spaceId) ?? new Map<UserId, BanRecord>();
    if (!m.has(ban.userId)) m.set(ban.userId, { ...ban });
    this.bans.set(ban.spaceId, m);
    return Promise.resolve();
  }

  isBanned(spaceId: SpaceId, userId: UserId): Promise<boolean> {
    return Promise.resolve(this.bans.get(spaceId)?.has(userId) ?? false);
  }

  listBans(spaceId: SpaceId): Promise<BanRecord[]> {
    return Promise.resolve([...(this.bans.get(spaceId)?.values() ?? [])].map((b) => ({ ...b })));
  }

  addQuestion(q: QuestionRecord): Promise<void> {
    if (!this.spaces.has(q.spaceId)) return Promise.reject(new RostraError('space_not_found'));
    this.questions.set(`${q.spaceId} ${q.id}`, { ...q });
    return Promise.resolve();
  }

  listQuestions(spaceId: SpaceId, limit = 2000): Promise<QuestionRecord[]> {
    const list = [...this.questions.values()].filter((q) => q.spaceId === spaceId);
    return Promise.resolve(list.slice(0, limit).map((q) => ({ ...q })));
  }

  setQuestionStatus(
    spaceId: SpaceId,
    id: QuestionId,
    status: QuestionStatus,
    answeredAt?: number,
  ): Promise<QuestionRecord | null> {
    const q = this.questions.get(`${spaceId} ${id}`);
    if (!q) return Promise.resolve(null);
    q.status = status;
    if (answeredAt !== undefined) q.answeredAt = answeredAt;
    return Promise.resolve({ ...q });
  }

  addQuestionVote(spaceId: SpaceId, id: QuestionId, userId: UserId): Promise<number | null> {
    const q = this.questions.get(`${spaceId} ${id}`);
    if (!q) return Promise.reject(new RostraError('question_not_found'));
    const key = `${spaceId} ${id} ${userId}`;
    if (this.votes.has(key)) return Promise.resolve(null);
    this.votes.add(key);
    return Promise.resolve(++q.votes);
  }

  getQuestionSettings(spaceId: SpaceId): Promise<QuestionSettings> {
    return Promise.resolve({ ...(this.questionSettings.get(spaceId) ?? { enabled: true, slowModeMs: 0 }) });
  }

  setQuestionSettings(spaceId: SpaceId, settings: QuestionSettings): Promise<void> {
    this.questionSettings.set(spaceId, { ...settings });
    return Promise.resolve();
  }

  addQuestionBan(ban: BanRecord): Promise<void> {
    const m = this.questionBans.get(ban.spaceId) ?? new Map<UserId, BanRecord>();
    if (!m.has(ban.userId)) m.set(ban.userId, { ...ban });
    this.questionBans.set(ban.spaceId, m);
    return Promise.resolve();
  }

  listQuestionBans(spaceId: SpaceId): Promise<BanRecord[]> {
    return Promise.resolve([...(this.questionBans.get(spaceId)?.values() ?? [])].map((b) => ({ ...b })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #info(s: SpaceRecord): SpaceInfo {
    return { ...s, reminderCount: this.reminders.get(s.id)?.size ?? 0 };
  }
}
