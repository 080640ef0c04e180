/**
 * Listener counters. A join or leave is O(1): it moves counters and, at most once per window,
 * the Room emits `counts` (only when they changed). No per-listener event, no array scan.
 *
 * Memory: one Set entry per distinct signed-in user who ever joined (for `totalJoined`) and
 * one Map entry per signed-in user listening now (for presence checks like invites).
 */
import type { UserId } from '../../protocol/ids.js';
import type { SpaceCounts } from '../../protocol/space.js';
import type { Clock } from '../ports/clock.js';

export class AudienceCounter {
  #listeningNow = 0;
  /** open anonymous connections (part of listeningNow), so a stray anonymous leave cannot eat a named one */
  #anonymousNow = 0;
  #totalJoined = 0;
  readonly #seen = new Set<UserId>();
  /** signed-in user -> open listening connections */
  readonly #present = new Map<UserId, number>();
  #lastEmitted: SpaceCounts;
  #timer: { cancel(): void } | null = null;

  /**
   * @param windowMs minimum ms between two `counts` emissions
   * @param onCounts called with the new counts, at most once per window, only on change
   */
  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly onCounts: (counts: SpaceCounts) => void,
    initial: SpaceCounts = { listeningNow: 0, totalJoined: 0 },
  ) {
    this.#listeningNow = initial.listeningNow;
    this.#totalJoined = initial.totalJoined;
    this.#lastEmitted = { ...initial };
  }

  counts(): SpaceCounts {
    return { listeningNow: this.#listeningNow, totalJoined: this.#totalJoined };
  }

  isPresent(userId: UserId): boolean {
    return this.#present.has(userId);
  }

  /** signed-in people listening now, in the order they (first) joined; read by the listener list */
  presentIds(): IterableIterator<UserId> {
    return this.#present.keys();
  }

  /** how many signed-in people / anonymous connections are listening now */
  presentSizes(): { named: number; anonymous: number } {
    return { named: this.#present.size, anonymous: this.#anonymousNow };
  }

  /**
   * one listening connection opened; `null` = anonymous (each connection counts once).
   * `counted`: it was already counted in a carried-over total (a listener a previous home had,
   * reported again after a failover), so it is listening now but not joined again.
   */
  joined(userId: UserId | null, counted = false): void {
    this.#listeningNow++;
    if (userId === null) {
      this.#anonymousNow++;
      if (!counted) this.#totalJoined++;
    } else {
      this.#present.set(userId, (this.#present.get(userId) ?? 0) + 1);
      if (!this.#seen.has(userId)) {
        this.#seen.add(userId);
        if (!counted) this.#totalJoined++;
      }
    }
    this.#schedule();
  }

  /** a previous home's total (failover): the total never goes below it */
  carryTotal(totalJoined: number): void {
    if (!Number.isSafeInteger(totalJoined) || totalJoined <= this.#totalJoined) return;
    this.#totalJoined = totalJoined;
    this.#schedule();
  }

  /** one listening connection closed; unknown users are ignored (never below zero) */
  left(userId: UserId | null): void {
    if (userId === null) {
      if (this.#anonymousNow === 0) return;
      this.#anonymousNow--;
    } else {
      const n = this.#present.get(userId);
      if (n === undefined) return;
      if (n <= 1) this.#present.delete(userId);
      else this.#present.set(userId, n - 1);
    }
    this.#listeningNow--;
    this.#schedule();
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      const now = this.counts();
      const last = this.#lastEmitted;
      if (now.listeningNow === last.listeningNow && now.totalJoined === last.totalJoined) return;
      this.#lastEmitted = now;
      this.onCounts({ ...now });
    }, this.windowMs);
  }
}
