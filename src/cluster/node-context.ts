/** What every SpaceNode of a cluster node shares (built once by ClusterSpaceHub). */
import type { NodeId, SpaceId } from '../protocol/ids.js';
import type { AudienceClientMessage } from '../protocol/audience.js';
import type { StageClientMessage } from '../protocol/stage.js';
import type { Bus } from '../core/ports/bus.js';
import type { Clock } from '../core/ports/clock.js';
import type { Leases } from '../core/ports/leases.js';
import type { Store } from '../core/ports/store.js';
import type { Logger } from '../core/log.js';
import type { LocalSpaceHub } from '../runtime/space-hub.js';
import type { SinkFactory } from '../runtime/stage-plane.js';
import type { CallClient, SeenCalls } from './calls.js';

/** a node's handle on one Space (SpaceNode), as the context needs it to forget it */
export interface ForgettableSpace {
  readonly id: SpaceId;
  close(): void;
}

export interface NodeContext {
  self: NodeId;
  /** this node's public base URL (http://host:port) */
  url(): string;
  bus: Bus;
  leases: Leases;
  store: Store;
  clock: Clock;
  log: Logger;
  /** the Rooms, stage sessions and mixers this node runs as a home */
  engine: LocalSpaceHub;
  calls: CallClient;
  seen: SeenCalls;
  /** home lease time to live, ms */
  ttlMs: number;
  /** frames per audio message on the bus and per WebSocket batch */
  batchFrames: number;
  /** stream sinks run on every node that has the Space (HLS, Ogg) */
  edgeSinks: readonly SinkFactory[];
  draining(): boolean;
  /** throws RostraError on a bad command (a command from the bus is checked again at the home) */
  validateAudience(msg: unknown): AudienceClientMessage;
  validateStage(msg: unknown): StageClientMessage;
  /** the Space ended: drop this node's SpaceNode */
  forget(node: ForgettableSpace): void;
}
