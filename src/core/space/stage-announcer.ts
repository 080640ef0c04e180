/**
 * What the Room tells its transports when the stage moves: one `snapshot` per change, and
 * `mix` only when the list of unmuted people on stage really changed (the mixer rebuilds its
 * inputs on each). A leader change on its own (the host's grace period ran out) is announced
 * the same way. Lifecycle: created with the Room, after its LeaderTracker.
 */
import type { UserId } from '../../protocol/ids.js';
import type { SpaceSnapshot } from '../../protocol/space.js';
import type { TypedEmitter } from '../events.js';
import type { RoomEvents } from './room-events.js';
import type { StageRoster } from './stage-roster.js';

export class StageAnnouncer {
  #lastMix: string;
  #lastLeader: UserId;

  constructor(
    private readonly events: TypedEmitter<RoomEvents>,
    private readonly roster: StageRoster,
    private readonly leaderId: () => UserId,
    private readonly snapshot: () => SpaceSnapshot,
  ) {
    this.#lastLeader = leaderId();
    this.#lastMix = roster.mixList().join(',');
  }

  /** the stage, the leader or the Space changed */
  stageChanged(): void {
    this.#lastLeader = this.leaderId();
    this.events.safeEmit('snapshot', this.snapshot());
    const mix = this.roster.mixList();
    const key = mix.join(',');
    if (key !== this.#lastMix) {
      this.#lastMix = key;
      this.events.safeEmit('mix', mix);
    }
  }

  /** the leader may have changed by itself (a timer): announce only if it did */
  leaderMaybeChanged(): void {
    if (this.leaderId() !== this.#lastLeader) this.stageChanged();
  }

  /** the Space ended: nobody is mixed any more */
  ended(): void {
    this.#lastMix = '';
    this.events.safeEmit('mix', []);
  }
}
