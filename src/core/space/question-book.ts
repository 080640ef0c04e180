/**
 * The questions of one Space in the room actor's memory: every question with its votes and
 * status, the settings, who may no longer post, and each person's recent posts (for the
 * per-minute limit and slow mode). The store holds the durable copy; a room loads this from it
 * (a failover or restart loses only the recent-post times, so a limit restarts at worst).
 *
 * The board everyone sees is published through `onBoard` at most once per `bulletinMs`
 * (leading edge: the first change after a quiet period goes out at once), and only on change:
 * a storm of posts and votes costs one bulletin per window, whatever the number of listeners.
 */
import type { QuestionId, UserId } from '../../protocol/ids.js';
import {
  QUESTION_LIMITS,
  type Question,
  type QuestionBoard,
  type QuestionSettings,
} from '../../protocol/questions.js';
import type { Clock } from '../ports/clock.js';
import { RostraError } from '../errors.js';

/** the rolling window of the posts-per-minute limit, ms */
const POST_WINDOW_MS = 60_000;

export interface QuestionBookInit {
  questions: readonly Question[];
  settings: QuestionSettings;
  banned: readonly UserId[];
}

/** most votes first, newest first on a tie, then id so the order is total */
export const byVotes = (a: Question, b: Question): number =>
  b.votes - a.votes || b.askedAt - a.askedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class QuestionBook {
  readonly #all = new Map<QuestionId, Question>();
  readonly #banned: Set<UserId>;
  /** recent post times per person, ms since epoch, oldest first */
  readonly #posts = new Map<UserId, number[]>();
  /** each poster's last post, ms since epoch (slow mode may be longer than the rolling window) */
  readonly #lastPost = new Map<UserId, number>();
  #settings: QuestionSettings;
  #published: QuestionBoard;
  #lastPublishAt = -Infinity;
  #timer: { cancel(): void } | null = null;
  #dirty = false;

  constructor(
    private readonly clock: Clock,
    private readonly bulletinMs: number,
    private readonly onBoard: (board: QuestionBoard) => void,
    init: QuestionBookInit,
  ) {
    for (const q of init.questions) this.#all.set(q.id, { ...q });
    this.#settings = { ...init.settings };
    this.#banned = new Set(init.banned);
    this.#published = this.#compute();
  }

  /** the board as last published (what listeners have seen; at most bulletinMs stale) */
  board(): QuestionBoard {
    return this.#published;
  }

  get settings(): QuestionSettings {
    return { ...this.#settings };
  }

  get(id: QuestionId): Question | undefined {
    return this.#all.get(id);
  }

  /** every question, most votes first (the moderators' queue and the replay) */
  list(): Question[] {
    return [...this.#all.values()].sort(byVotes).map((q) => ({ ...q }));
  }

  answering(): Question | undefined {
    for (const q of this.#all.values()) if (q.status === 'answering') return q;
    return undefined;
  }

  /** throws the refusal a post by `userId` now would get; changes nothing */
  assertMayPost(userId: UserId, now: number): void {
    if (!this.#settings.enabled) throw new RostraError('questions_off');
    if (this.#banned.has(userId)) throw new RostraError('questions_banned');
    if (this.#all.size >= QUESTION_LIMITS.maxPerSpace) throw new RostraError('questions_full');
    const recent = this.#recentPosts(userId, now);
    const last = this.#lastPost.get(userId);
    const slow = this.#settings.slowModeMs;
    if (slow > 0 && last !== undefined && now - last < slow) {
      throw new RostraError('slow_mode', undefined, { details: { retryAfterMs: last + slow - now } });
    }
    const first = recent[0];
    if (recent.length >= QUESTION_LIMITS.postsPerMinute && first !== undefined) {
      throw new RostraError('too_many_requests', 'too many questions in the last minute', {
        details: { retryAfterMs: first + POST_WINDOW_MS - now },
      });
    }
  }

  /** a question that passed assertMayPost and was stored */
  add(q: Question): void {
    this.#all.set(q.id, { ...q });
    const recent = this.#recentPosts(q.authorId, q.askedAt);
    recent.push(q.askedAt);
    this.#posts.set(q.authorId, recent);
    this.#lastPost.set(q.authorId, q.askedAt);
    this.#changed();
  }

  /** the stored vote count of a question */
  setVotes(id: QuestionId, votes: number): void {
    const q = this.#all.get(id);
    if (!q || q.votes === votes) return;
    q.votes = votes;
    this.#changed();
  }

  setStatus(id: QuestionId, status: Question['status'], answeredAt?: number): void {
    const q = this.#all.get(id);
    if (!q) return;
    q.status = status;
    if (answeredAt !== undefined) q.answeredAt = answeredAt;
    this.#changed();
  }

  ban(userId: UserId): void {
    this.#banned.add(userId);
  }

  setSettings(settings: QuestionSettings): void {
    this.#settings = { ...settings };
    this.#changed();
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #recentPosts(userId: UserId, now: number): number[] {
    const times = (this.#posts.get(userId) ?? []).filter((t) => now - t < POST_WINDOW_MS);
    if (times.length === 0) this.#posts.delete(userId);
    return times;
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#timer) return;
    const wait = this.#lastPublishAt + this.bulletinMs - this.clock.now();
    if (wait <= 0) this.#publish();
    else this.#timer = this.clock.setTimeout(() => this.#publish(), wait);
  }

  #publish(): void {
    this.#timer = null;
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#lastPublishAt = this.clock.now();
    this.#published = this.#compute();
    this.onBoard(this.#published);
  }

  #compute(): QuestionBoard {
    const open: Question[] = [];
    let answered = 0;
    let nowAnswering: Question | null = null;
    for (const q of this.#all.values()) {
      if (q.status === 'open') open.push(q);
      else if (q.status === 'answered') answered++;
      else if (q.status === 'answering') nowAnswering = { ...q };
    }
    open.sort(byVotes);
    return {
      ...this.#settings,
      top: open.slice(0, QUESTION_LIMITS.topN).map((q) => ({ ...q })),
      nowAnswering,
      open: open.length,
      answered,
    };
  }
}
