/**
 * The SpaceHub of a cluster node. Same control plane, same Room and stage code as the
 * embedded default: the node runs a LocalSpaceHub as its "engine" for the Spaces it is home
 * of, and one SpaceNode per Space it has sockets for (see space-node.ts). Sockets always
 * attach to the SpaceNode's AudienceGroup; commands go to the home (locally or over the bus).
 *
 * Lifecycle: new -> start(url) (subscribes, begins the directory beat) -> [drain()] -> close().
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { NodeId, SpaceId } from '../protocol/ids.js';
import { Role } from '../protocol/space.js';
import { RostraError } from '../core/errors.js';
import type { Bus } from '../core/ports/bus.js';
import type { Clock } from '../core/ports/clock.js';
import type { Leases } from '../core/ports/leases.js';
import type { Store } from '../core/ports/store.js';
import type { Logger } from '../core/log.js';
import type { Actor, Room } from '../core/space/index.js';
import {
  CLUSTER_STATUS_SPACES,
  type Detach,
  type HubStats,
  type RoomHandle,
  type SpaceHub,
} from '../control/ports.js';
import { audienceClientSchema, stageClientSchema } from '../control/validation/schemas.js';
import { validate } from '../control/validation/parse.js';
import { LocalSpaceHub } from '../runtime/space-hub.js';
import type { SinkFactory, StagePlane } from '../runtime/stage-plane.js';
import { CallClient, SeenCalls } from './calls.js';
import { Directory } from './directory.js';
import { drainSockets, type DrainOptions } from './drain.js';
import type { NodeContext } from './node-context.js';
import { SpaceNode } from './space-node.js';

export interface ClusterHubDeps {
  nodeId: NodeId;
  store: Store;
  bus: Bus;
  leases: Leases;
  clock: Clock;
  log: Logger;
  stage: StagePlane;
  hostGraceMs: number;
  unattendedEndMs?: number;
  batchFrames: number;
  /** sink factories; 'recorder' runs on the home only, the others on every node with the Space */
  sinks?: readonly SinkFactory[];
  /** home lease ttl, ms; renewed every ttl/3 */
  homeLeaseMs: number;
  /** told of every room this node loads as the Space's home */
  onRoom?: (room: Room) => void;
}

/** sinks that belong to the home (one recording per Space, not one per node) */
const HOME_ONLY_SINKS = new Set(['recorder']);

export class ClusterSpaceHub implements SpaceHub {
  readonly engine: LocalSpaceHub;
  readonly directory: Directory;
  readonly #nodes = new Map<SpaceId, Promise<SpaceNode>>();
  /** SpaceNodes whose open() finished, for the synchronous frame path */
  readonly #loaded = new Map<SpaceId, SpaceNode>();
  readonly #ctx: NodeContext;
  readonly #calls: CallClient;
  #url = '';
  #draining = false;
  #closed = false;

  constructor(private readonly deps: ClusterHubDeps) {
    const sinks = deps.sinks ?? [];
    this.engine = new LocalSpaceHub({
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      stage: deps.stage,
      hostGraceMs: deps.hostGraceMs,
      ...(deps.unattendedEndMs === undefined ? {} : { unattendedEndMs: deps.unattendedEndMs }),
      batchFrames: deps.batchFrames,
      sinks: sinks.filter((s) => HOME_ONLY_SINKS.has(s.name)),
      onRoom: deps.onRoom,
      // the recorder records only what a home that can prove its lease mixed (fencing)
      admitFrame: (id) => this.#loaded.get(id)?.mayPublish() ?? false,
    });
    this.#calls = new CallClient(deps.bus, deps.nodeId);
    this.directory = new Directory(deps.bus, deps.nodeId, deps.clock, deps.log);
    this.#ctx = {
      self: deps.nodeId,
      url: () => this.#url,
      bus: deps.bus,
      leases: deps.leases,
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      engine: this.engine,
      calls: this.#calls,
      seen: new SeenCalls(),
      ttlMs: deps.homeLeaseMs,
      batchFrames: deps.batchFrames,
      edgeSinks: sinks.filter((s) => !HOME_ONLY_SINKS.has(s.name)),
      draining: () => this.#draining,
      validateAudience: (msg) => validate(audienceClientSchema, msg),
      validateStage: (msg) => validate(stageClientSchema, msg),
      forget: (node) => {
        void this.#nodes.get(node.id)?.then((n) => {
          if (n === node) {
            this.#nodes.delete(node.id);
            this.#loaded.delete(node.id);
            node.close();
          }
        });
      },
    };
    const ev = deps.stage.events;
    const home = (id: SpaceId): SpaceNode | undefined => this.#loaded.get(id);
    ev.on('frame', (id, frame) => home(id)?.homeFrame(frame));
    ev.on('levels', (id, levels) => home(id)?.homeLevels(levels, deps.clock.now()));
    ev.on('slots', (id, userId, slots) => home(id)?.homeSlots(userId, slots));
  }

  get nodeId(): NodeId {
    return this.deps.nodeId;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** begins serving: `url` is this node's public base URL */
  async start(url: string): Promise<void> {
    this.#url = url;
    await this.#calls.start();
    await this.directory.start(url);
  }

  async room(spaceId: SpaceId): Promise<RoomHandle> {
    return this.#node(spaceId);
  }

  /** the SpaceNode of a Space if this node has it (tests, metrics) */
  loaded(spaceId: SpaceId): SpaceNode | undefined {
    return this.#loaded.get(spaceId);
  }

  async publish(
    room: RoomHandle,
    actor: Actor,
    offerSdp: string,
  ): Promise<{ sessionId: string; answerSdp: string }> {
    this.#refuseIfDraining();
    const node = await this.#node(room.id);
    if (!actor.userId) throw new RostraError('unauthenticated');
    if (node.roleOf(actor.userId) === Role.listener) throw new RostraError('not_on_stage');
    return node.publish(actor, offerSdp);
  }

  async unpublish(room: RoomHandle, actor: Actor, sessionId: string): Promise<void> {
    const node = await this.#node(room.id);
    await node.unpublish(actor, sessionId);
  }

  attachListener(room: RoomHandle, socket: WebSocket, actor: Actor, tcp: Socket | null): Detach {
    this.#refuseIfDraining();
    const node = this.#loadedOrThrow(room.id);
    return node.group.attachListener(socket, actor, node.snapshot(), tcp);
  }

  attachStage(room: RoomHandle, socket: WebSocket, actor: Actor): Detach {
    this.#refuseIfDraining();
    const node = this.#loadedOrThrow(room.id);
    return node.group.attachStage(socket, actor, node.snapshot());
  }

  stats(): HubStats {
    let listeners = 0;
    let stageSockets = 0;
    for (const n of this.#loaded.values()) {
      listeners += n.group.fanout.size;
      stageSockets += n.group.stageSocketCount;
    }
    const nodes = [...this.#loaded.values()].sort((a, b) => Number(b.isHome) - Number(a.isHome));
    const spaces: Record<string, string | null> = {};
    for (const n of nodes.slice(0, CLUSTER_STATUS_SPACES)) spaces[n.id] = n.homeNode?.node ?? null;
    const cluster = {
      nodeId: this.deps.nodeId,
      draining: this.#draining,
      homes: nodes.filter((n) => n.isHome).length,
      spaces,
      spacesTotal: nodes.length,
    };
    return { rooms: this.#loaded.size, listeners, stageSockets, cluster };
  }

  audienceStats(): { batches: number; bytes: number; skipped: number; droppedSlow: number } {
    const sum = { batches: 0, bytes: 0, skipped: 0, droppedSlow: 0 };
    for (const n of this.#loaded.values()) {
      const s = n.group.fanout.stats();
      sum.batches += s.batches;
      sum.bytes += s.bytesSent;
      sum.skipped += s.skippedSends;
      sum.droppedSlow += s.slowDrops;
    }
    return sum;
  }

  /** Spaces this node is home of */
  homes(): SpaceId[] {
    return [...this.#loaded.values()].filter((n) => n.isHome).map((n) => n.id);
  }

  /**
   * SIGTERM: refuse new joins, hand every homed Space over (release its lease and say so on
   * the bus, so another node takes it at once), then send listeners to other nodes with
   * jittered delays and close what is left. Resolves when every socket is gone or after
   * `spreadMs + graceMs`.
   */
  async drain(opts: Partial<DrainOptions> = {}): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    this.deps.log.info({ node: this.deps.nodeId, homes: this.homes().length }, 'draining');
    await this.directory.setDraining();
    await Promise.all([...this.#loaded.values()].map((n) => n.stepDown('drain', true)));
    await drainSockets([...this.#loaded.values()], this.directory, opts);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const n of this.#loaded.values()) n.close();
    this.#loaded.clear();
    this.#nodes.clear();
    this.engine.close();
    await this.#calls.close();
    await this.directory.close();
  }

  #refuseIfDraining(): void {
    if (this.#draining) throw new RostraError('server_busy', 'this node is draining; connect to another');
  }

  #loadedOrThrow(id: SpaceId): SpaceNode {
    const node = this.#loaded.get(id);
    if (!node || node.ended) throw new RostraError('space_ended');
    return node;
  }

  #node(id: SpaceId): Promise<SpaceNode> {
    if (this.#closed) return Promise.reject(new RostraError('server_busy', 'node is shutting down'));
    let pending = this.#nodes.get(id);
    if (!pending) {
      pending = SpaceNode.open(id, this.#ctx).then((node) => {
        if (this.#closed) {
          node.close();
          throw new RostraError('server_busy', 'node is shutting down');
        }
        this.#loaded.set(id, node);
        return node;
      });
      this.#nodes.set(id, pending);
      pending.catch(() => this.#nodes.delete(id));
    }
    return pending.then((node) => {
      if (!node.ended) return node;
      throw new RostraError('space_ended');
    });
  }
}
