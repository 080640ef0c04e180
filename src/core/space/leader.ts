/**
 * Who leads the room. The host leads while their stage connection is up, and for `graceMs`
 * after it drops (a flaky network must not flip leadership). Once the grace period has run
 * out with the host still away, the first connected co-host (in stage order) leads; when the
 * host's stage connection comes back, the host leads again at once. With no connected
 * co-host the host stays the nominal leader. Leading gives no extra rights (docs/permissions.md).
 *
 * Lifecycle: created with the Room; the grace timer starts at creation too, so a host who
 * never connects to a freshly loaded room (e.g. after a node failover) is replaced after
 * `graceMs`. `close()` cancels the timer.
 */
import type { UserId } from '../../protocol/ids.js';
import type { Clock } from '../ports/clock.js';
import type { StageRoster } from './stage-roster.js';

export class LeaderTracker {
  /** users with an open stage connection (count, a user may have several tabs) */
  readonly #present = new Map<UserId, number>();
  #hostAway = false;
  #timer: { cancel(): void } | null = null;

  /**
   * @param graceMs ms the host may be away before a co-host leads
   * @param onChange called when the grace period runs out (the leader may have changed)
   */
  constructor(
    private readonly clock: Clock,
    private readonly graceMs: number,
    private readonly roster: StageRoster,
    private readonly onChange: () => void,
  ) {
    this.#startGrace();
  }

  isPresent(userId: UserId): boolean {
    return this.#present.has(userId);
  }

  /** a stage connection of `userId` opened (true) or closed (false) */
  presence(userId: UserId, connected: boolean): void {
    const n = this.#present.get(userId) ?? 0;
    if (connected) this.#present.set(userId, n + 1);
    else if (n <= 1) this.#present.delete(userId);
    else this.#present.set(userId, n - 1);
    if (userId === this.roster.hostId) this.hostChanged();
  }

  /** re-evaluate after the host role moved or the host's presence changed */
  hostChanged(): void {
    if (this.#present.has(this.roster.hostId)) {
      this.#timer?.cancel();
      this.#timer = null;
      this.#hostAway = false;
    } else if (!this.#timer && !this.#hostAway) {
      this.#startGrace();
    }
  }

  leaderId(): UserId {
    if (!this.#hostAway) return this.roster.hostId;
    const lead = this.roster.cohosts().find((m) => this.#present.has(m.userId));
    return lead?.userId ?? this.roster.hostId;
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #startGrace(): void {
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      if (this.#present.has(this.roster.hostId)) return;
      this.#hostAway = true;
      this.onChange();
    }, this.graceMs);
  }
}
