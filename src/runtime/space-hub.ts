/**
 * The node's Spaces: the room registry (one room actor per Space), a runtime per loaded room,
 * and the stage plane they share. Implements the control plane's SpaceHub port.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { SpaceId, UserId } from '../protocol/ids.js';
import { Role, SpaceState } from '../protocol/space.js';
import { RostraError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import type { Logger } from '../core/log.js';
import { RoomRegistry, type Room, type Actor } from '../core/space/index.js';
import type { HubStats, SpaceHub } from '../control/ports.js';
import type { FrameSink, SinkFactory, StagePlane } from './stage-plane.js';
import type { CaptionEngine } from '../core/ports/captions.js';
import { SpaceRuntime } from './space-runtime.js';

export interface SpaceHubDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  stage: StagePlane;
  hostGraceMs: number;
  /** a live Space with nobody on stage connected ends after this long (RoomConfig) */
  unattendedEndMs?: number;
  batchFrames: number;
  /** consumers of each Space's mixed stream besides the WebSocket tier */
  sinks?: readonly SinkFactory[];
  /** speech recognition for live captions; none: no captions on this node */
  captions?: CaptionEngine;
  /** told of every room this node loads (it is the Space's home), e.g. to raise webhooks */
  onRoom?: (room: Room) => void;
  /**
   * asked before each mixed frame reaches the Space's runtime (fan-out, sinks, the recorder);
   * false drops it. A cluster node answers whether it can still prove it homes the Space.
   */
  admitFrame?: (spaceId: SpaceId) => boolean;
}

export class LocalSpaceHub implements SpaceHub {
  readonly #registry: RoomRegistry;
  readonly #runtimes = new Map<SpaceId, SpaceRuntime>();

  constructor(private readonly deps: SpaceHubDeps) {
    this.#registry = new RoomRegistry({
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      config: {
        hostGraceMs: deps.hostGraceMs,
        ...(deps.unattendedEndMs === undefined ? {} : { unattendedEndMs: deps.unattendedEndMs }),
      },
      onRoom: (room) => this.#wire(room),
    });
    const ev = deps.stage.events;
    ev.on('frame', (spaceId, frame) => {
      const runtime = this.#runtimes.get(spaceId);
      if (runtime && (deps.admitFrame?.(spaceId) ?? true)) runtime.frame(frame);
    });
    ev.on('levels', (spaceId, levels) => this.#runtimes.get(spaceId)?.levels(levels, deps.clock.now()));
    ev.on('speech', (spaceId, endsAt, chunks) => this.#runtimes.get(spaceId)?.speech(endsAt, chunks));
    ev.on('slots', (spaceId, userId, slots) => this.#runtimes.get(spaceId)?.slots(userId, slots));
    ev.on('publishing', (spaceId, userId, up) => {
      const runtime = this.#runtimes.get(spaceId);
      if (runtime && !runtime.room.closed) runtime.room.publishing(userId, up);
    });
  }

  room(spaceId: SpaceId): Promise<Room> {
    return this.#registry.get(spaceId);
  }

  async publish(
    room: Room,
    actor: Actor,
    offerSdp: string,
  ): Promise<{ sessionId: string; answerSdp: string }> {
    const userId = onStage(room, actor);
    if (room.state === SpaceState.ended) throw new RostraError('space_ended');
    return this.deps.stage.createSession({ spaceId: room.id, userId, offerSdp });
  }

  async unpublish(room: Room, actor: Actor, sessionId: string): Promise<void> {
    const owner = this.deps.stage.sessionOwner(sessionId);
    if (!owner || owner.spaceId !== room.id || owner.userId !== actor.userId)
      throw new RostraError('session_not_found');
    await this.deps.stage.closeSession(sessionId);
  }

  /** a Space's sink by factory name, if the Space is loaded on this node */
  sink(spaceId: SpaceId, name: string): FrameSink | undefined {
    return this.#runtimes.get(spaceId)?.sinks.get(name);
  }

  attachListener(room: Room, socket: WebSocket, actor: Actor, tcp: Socket | null): () => void {
    return this.#runtime(room).attachListener(socket, actor, tcp);
  }

  attachStage(room: Room, socket: WebSocket, actor: Actor): () => void {
    return this.#runtime(room).attachStage(socket, actor);
  }

  stats(): HubStats {
    let listeners = 0;
    let stageSockets = 0;
    for (const r of this.#runtimes.values()) {
      listeners += r.fanout.size;
      stageSockets += r.stageSocketCount;
    }
    return { rooms: this.#runtimes.size, listeners, stageSockets };
  }

  audienceStats(): { batches: number; bytes: number; skipped: number; droppedSlow: number } {
    const sum = { batches: 0, bytes: 0, skipped: 0, droppedSlow: 0 };
    for (const r of this.#runtimes.values()) {
      const s = r.fanout.stats();
      sum.batches += s.batches;
      sum.bytes += s.bytesSent;
      sum.skipped += s.skippedSends;
      sum.droppedSlow += s.slowDrops;
    }
    return sum;
  }

  /**
   * Lets go of a loaded Space without ending it: stops its mixer and stage sessions, closes its
   * sinks and forgets the room (cluster mode: this node is no longer the Space's home).
   */
  async release(spaceId: SpaceId): Promise<void> {
    const runtime = this.#runtimes.get(spaceId);
    if (runtime) runtime.close(1012, 'home_moved');
    await this.#registry.drop(spaceId);
  }

  close(): void {
    for (const r of [...this.#runtimes.values()]) r.close(1001, 'server_shutting_down');
    this.#registry.close();
  }

  #runtime(room: Room): SpaceRuntime {
    const runtime = this.#runtimes.get(room.id);
    if (!runtime) throw new RostraError('space_ended');
    return runtime;
  }

  #wire(room: Room): void {
    const runtime = new SpaceRuntime(
      room,
      this.deps.stage,
      this.deps.log.child({ spaceId: room.id }),
      this.deps.batchFrames,
      () => {
        this.#runtimes.delete(room.id);
        void this.#registry.drop(room.id);
      },
      this.deps.sinks,
      this.deps.captions,
    );
    this.#runtimes.set(room.id, runtime);
    this.deps.onRoom?.(room);
  }
}

function onStage(room: Room, actor: Actor): UserId {
  if (!actor.userId) throw new RostraError('unauthenticated');
  if (room.roleOf(actor.userId) === Role.listener) throw new RostraError('not_on_stage');
  return actor.userId;
}
