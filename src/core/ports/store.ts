/**
 * Store port: durable facts (accounts, Spaces, reminders, bans). Plain records in, plain
 * records out. Adapters: store-sqlite (embedded default), store-postgres (cluster).
 * Every adapter passes the conformance suite in src/core/ports/store.conformance.ts.
 */
import type { QuestionId, SpaceId, UserId } from '../../protocol/ids.js';
import type { Question, QuestionSettings, QuestionStatus } from '../../protocol/questions.js';
import type { SpaceInfo, SpaceState } from '../../protocol/space.js';
import type { WebhookOutbox } from './webhook-outbox.js';

export interface AccountRecord {
  id: UserId;
  /** unique, lower-case */
  handle: string;
  /** scrypt hash in the self-describing format of control/auth/passwords.ts */
  passwordHash: string;
  /** ms since epoch */
  createdAt: number;
}

/** A Space as stored; reminderCount is derived by the store from the reminders table. */
export type SpaceRecord = Omit<SpaceInfo, 'reminderCount'>;

export type SpacePatch = Partial<
  Pick<
    SpaceRecord,
    'state' | 'hostId' | 'startedAt' | 'endedAt' | 'title' | 'description' | 'recording' | 'scheduledFor'
  >
>;

export interface BanRecord {
  spaceId: SpaceId;
  userId: UserId;
  bannedBy: UserId;
  /** ms since epoch */
  at: number;
}

/** A question as stored: the protocol's Question plus the Space it belongs to. */
export interface QuestionRecord extends Question {
  spaceId: SpaceId;
}

export interface ListSpacesQuery {
  states: readonly SpaceState[];
  /** default 100, max 500 */
  limit?: number;
}

export interface Store {
  /** throws RostraError('handle_taken') if the handle exists */
  createAccount(account: AccountRecord): Promise<void>;
  getAccount(id: UserId): Promise<AccountRecord | null>;
  getAccountByHandle(handle: string): Promise<AccountRecord | null>;

  createSpace(space: SpaceRecord): Promise<SpaceInfo>;
  getSpace(id: SpaceId): Promise<SpaceInfo | null>;
  /**
   * Applies the patch and returns the updated Space, or null if it does not exist.
   * When `expectState` is given the update only happens if the stored state equals it
   * (compare-and-set, so two nodes cannot both move a Space); otherwise returns null.
   */
  updateSpace(id: SpaceId, patch: SpacePatch, expectState?: SpaceState): Promise<SpaceInfo | null>;
  /** newest first for live, soonest first for scheduled */
  listSpaces(query: ListSpacesQuery): Promise<SpaceInfo[]>;
  /** how many Spaces `createdBy` has in any of `states` (the per-account caps) */
  countSpacesBy(createdBy: UserId, states: readonly SpaceState[]): Promise<number>;

  /** idempotent; returns the new reminder count */
  addReminder(spaceId: SpaceId, userId: UserId): Promise<number>;
  /** idempotent; returns the new reminder count */
  removeReminder(spaceId: SpaceId, userId: UserId): Promise<number>;
  hasReminder(spaceId: SpaceId, userId: UserId): Promise<boolean>;

  /** idempotent */
  addBan(ban: BanRecord): Promise<void>;
  isBanned(spaceId: SpaceId, userId: UserId): Promise<boolean>;
  listBans(spaceId: SpaceId): Promise<BanRecord[]>;

  /** the durable queue of outgoing webhooks, in the same database (./webhook-outbox.ts) */
  readonly webhooks: WebhookOutbox;
  /** questions (docs/questions.md); throws space_not_found for an unknown Space */
  addQuestion(question: QuestionRecord): Promise<void>;
  /** every question of the Space, oldest first (id breaks ties), at most `limit` (default 2000) */
  listQuestions(spaceId: SpaceId, limit?: number): Promise<QuestionRecord[]>;
  /** sets the status (and answeredAt when given); null if the question does not exist */
  setQuestionStatus(
    spaceId: SpaceId,
    id: QuestionId,
    status: QuestionStatus,
    answeredAt?: number,
  ): Promise<QuestionRecord | null>;
  /**
   * One vote per person per question: returns the new vote count, or null when this person
   * had already voted (nothing changed). Throws question_not_found for an unknown question.
   */
  addQuestionVote(spaceId: SpaceId, id: QuestionId, userId: UserId, at: number): Promise<number | null>;
  /** defaults (on, no slow mode) until set */
  getQuestionSettings(spaceId: SpaceId): Promise<QuestionSettings>;
  setQuestionSettings(spaceId: SpaceId, settings: QuestionSettings): Promise<void>;
  /** idempotent: this person may no longer post questions in the Space */
  addQuestionBan(ban: BanRecord): Promise<void>;
  listQuestionBans(spaceId: SpaceId): Promise<BanRecord[]>;

  /** idempotent */
  close(): Promise<void>;
}
