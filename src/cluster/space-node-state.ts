/**
 * What the parts of one SpaceNode share (space-node.ts is the facade; homing.ts, home-duty.ts,
 * bus-receiver.ts, presence-sender.ts and home-commands.ts are its parts): the Space, the
 * node's context and sockets, and the mutable state of its role. One object, read and written
 * by every part, so a role change seen by one part is seen by all at once.
 */
import type { NodeId, SpaceId } from '../protocol/ids.js';
import type { SpaceInfo, SpaceSnapshot } from '../protocol/space.js';
import { emptyQuestionBoard } from '../protocol/questions.js';
import type { AccountRecord } from '../core/ports/store.js';
import type { AudienceGroup } from './audience-group.js';
import type { NodeContext } from './node-context.js';

/** ms between two heartbeats of a home */
export const HEARTBEAT_MS = 1_000;

export type NodeRole = 'edge' | 'home' | 'ended';

export class SpaceNodeState {
  role: NodeRole = 'edge';
  snapshot: SpaceSnapshot;
  /** the cached snapshot came from a home (not only from the store) */
  fromHome = false;
  /** highest home fencing token seen */
  token = 0;
  home: { node: NodeId; url: string } | null = null;
  /** clock ms when the home was last heard from (any message) */
  lastHeard: number;
  closed = false;

  constructor(
    readonly id: SpaceId,
    readonly ctx: NodeContext,
    readonly group: AudienceGroup,
    snapshot: SpaceSnapshot,
  ) {
    this.snapshot = snapshot;
    this.lastHeard = ctx.clock.now();
  }
}

/** what a node knows of a Space before any home has spoken: the store's view, the host alone */
export function storeSnapshot(info: SpaceInfo, host: AccountRecord | null): SpaceSnapshot {
  return {
    space: info,
    stage: [
      {
        userId: info.hostId,
        handle: host?.handle ?? info.hostId,
        role: 'host',
        muted: false,
        connected: false,
      },
    ],
    counts: { listeningNow: 0, totalJoined: 0 },
    leaderId: info.hostId,
    captions: true,
    questions: emptyQuestionBoard(),
  };
}
