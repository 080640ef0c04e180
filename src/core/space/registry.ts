/**
 * One Room per Space on this node. Rooms are loaded from the store on first use (concurrent
 * callers share one load) and dropped when their Space ends or the registry closes.
 * Lifecycle: `close()` closes every room (idempotent); `get` afterwards throws.
 */
import type { SpaceId } from '../../protocol/ids.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { RostraError } from '../errors.js';
import type { Logger } from '../log.js';
import { Room } from './room.js';
import type { RoomConfig } from './room-events.js';

export interface RoomRegistryDeps {
  store: Store;
  clock: Clock;
  log?: Logger;
  config?: Partial<RoomConfig>;
  /** called with each newly loaded room, before anyone else sees it (wire transports here) */
  onRoom?: (room: Room) => void;
}

export class RoomRegistry {
  readonly #rooms = new Map<SpaceId, Promise<Room>>();
  #closed = false;

  constructor(private readonly deps: RoomRegistryDeps) {}

  /** the live room of a Space, loading it if needed; throws space_not_found / space_ended */
  get(spaceId: SpaceId): Promise<Room> {
    if (this.#closed) return Promise.reject(new RostraError('internal', 'room registry is closed'));
    let pending = this.#rooms.get(spaceId);
    if (!pending) {
      pending = this.#load(spaceId);
      this.#rooms.set(spaceId, pending);
      pending.catch(() => this.#rooms.delete(spaceId));
    }
    return pending;
  }

  /** the room if it is loaded on this node, without loading */
  async peek(spaceId: SpaceId): Promise<Room | undefined> {
    const pending = this.#rooms.get(spaceId);
    return pending ? pending.catch(() => undefined) : undefined;
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** closes and forgets one room (e.g. this node lost the Space's lease) */
  async drop(spaceId: SpaceId): Promise<void> {
    const room = await this.peek(spaceId);
    this.#rooms.delete(spaceId);
    room?.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#rooms.values()) {
      pending.then((r) => r.close()).catch(() => undefined);
    }
    this.#rooms.clear();
  }

  async #load(spaceId: SpaceId): Promise<Room> {
    const room = await Room.load({ ...this.deps, spaceId });
    if (this.#closed) {
      room.close();
      throw new RostraError('internal', 'room registry is closed');
    }
    room.events.on('ended', () => {
      // let the other `ended` listeners run first, then forget and close the room
      queueMicrotask(() => {
        this.#rooms.delete(spaceId);
        room.close();
      });
    });
    this.deps.onRoom?.(room);
    return room;
  }
}
