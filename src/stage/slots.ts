/**
 * Which forwarded slot carries whom, per listening speaker. Every speaker's offer has the
 * same number of recvonly slots (12 = everyone else on a full stage of 13); each other
 * publisher gets the lowest free slot, and keeps it until it leaves, so a browser's
 * slot -> person mapping only changes when someone joins or leaves.
 */
import type { UserId } from '../protocol/ids.js';

export class SlotTable {
  /** slot index -> publisher, for one subscriber */
  readonly #bySlot = new Map<number, UserId>();
  readonly #byUser = new Map<UserId, number>();

  constructor(readonly size: number) {}

  /** Assigns the lowest free slot to `user`; returns it, or null if all slots are taken. */
  assign(user: UserId): number | null {
    const had = this.#byUser.get(user);
    if (had !== undefined) return had;
    for (let i = 0; i < this.size; i++) {
      if (!this.#bySlot.has(i)) {
        this.#bySlot.set(i, user);
        this.#byUser.set(user, i);
        return i;
      }
    }
    return null;
  }

  release(user: UserId): boolean {
    const slot = this.#byUser.get(user);
    if (slot === undefined) return false;
    this.#byUser.delete(user);
    this.#bySlot.delete(slot);
    return true;
  }

  slotOf(user: UserId): number | undefined {
    return this.#byUser.get(user);
  }

  /** slot index -> user, as sent to the browser in the `slots` stage message */
  toRecord(): Record<number, UserId> {
    return Object.fromEntries(this.#bySlot);
  }
}
