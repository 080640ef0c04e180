/**
 * The home's view of who is in the Space across nodes. Each node ships its WHOLE presence
 * (anonymous listener count, signed-in listeners, people with a stage socket) when it changes
 * (coalesced) and every PRESENCE_BEAT_MS; the home diffs it against what that node said last
 * and replays the difference into the Room (listenerJoined/Left, stagePresence). So lost,
 * duplicated or reordered reports heal by themselves (newest seq wins), a node that stops
 * reporting is forgotten after PRESENCE_EXPIRE_MS, and a new home learns everything from the
 * next round of reports. Anonymous listeners cross nodes as a number only.
 */
import type { NodeId, UserId } from '../protocol/ids.js';
import type { Actor, Room } from '../core/space/index.js';
import type { Presence } from './audience-group.js';

/** ms between two full reports of a node even when nothing changed */
export const PRESENCE_BEAT_MS = 2_000;
/** ms after which a silent node's presence is dropped by the home */
export const PRESENCE_EXPIRE_MS = 3 * PRESENCE_BEAT_MS + 500;

export interface PresenceReport {
  seq: number;
  anonymous: number;
  named: [UserId, number][];
  stage: [UserId, number][];
}

interface NodeState {
  seq: number;
  lastAt: number;
  anonymous: number;
  named: Map<UserId, number>;
  stage: Map<UserId, number>;
}

const ANONYMOUS: Actor = { userId: null, handle: '', anonymous: true, admin: false };
const named = (userId: UserId): Actor => ({ userId, handle: '', anonymous: false, admin: false });

export function toReport(seq: number, p: Presence): PresenceReport {
  return { seq, anonymous: p.anonymous, named: [...p.named], stage: [...p.stage] };
}

export class PresenceMerger {
  readonly #nodes = new Map<NodeId, NodeState>();
  /** people with a stage socket anywhere, summed over nodes */
  readonly #stageTotals = new Map<UserId, number>();
  /** nodes that have reported to this merger at least once */
  readonly #reported = new Set<NodeId>();

  /**
   * `carried`: this home took over from a previous one whose `totalJoined` it carries on
   * (restore.ts); the listeners in each node's first report were counted there already.
   * One who joined in the failover gap is therefore not counted (under-counts by those).
   */
  constructor(
    private readonly room: Room,
    private readonly self: NodeId,
    private readonly carried = false,
  ) {}

  /** applies one node's report; ignores reports older than the last one applied */
  apply(node: NodeId, report: PresenceReport, now: number): void {
    if (this.room.closed) return;
    const old = this.#nodes.get(node);
    if (old && report.seq <= old.seq && node !== this.self) {
      if (report.seq === old.seq) old.lastAt = now;
      return;
    }
    const next: NodeState = {
      seq: report.seq,
      lastAt: now,
      anonymous: Math.max(0, Math.floor(report.anonymous)),
      named: new Map(report.named),
      stage: new Map(report.stage),
    };
    // after a failover, a node's first report names listeners the previous home had counted
    this.#replace(old, next, this.carried && !this.#reported.has(node));
    this.#reported.add(node);
    this.#nodes.set(node, next);
  }

  /** forgets nodes silent for PRESENCE_EXPIRE_MS (this node never expires) */
  expire(now: number): void {
    for (const [node, state] of this.#nodes) {
      if (node === this.self || now - state.lastAt < PRESENCE_EXPIRE_MS) continue;
      this.#nodes.delete(node);
      this.#replace(state, undefined);
    }
  }

  get nodes(): number {
    return this.#nodes.size;
  }

  #replace(old: NodeState | undefined, next: NodeState | undefined, counted = false): void {
    const room = this.room;
    if (room.closed) return;
    const dAnon = (next?.anonymous ?? 0) - (old?.anonymous ?? 0);
    for (let i = 0; i < dAnon; i++) room.listenerJoined(ANONYMOUS, counted);
    for (let i = 0; i < -dAnon; i++) room.listenerLeft(ANONYMOUS);
    for (const [userId, d] of diff(old?.named, next?.named)) {
      for (let i = 0; i < d; i++) room.listenerJoined(named(userId), counted);
      for (let i = 0; i < -d; i++) room.listenerLeft(named(userId));
    }
    for (const [userId, d] of diff(old?.stage, next?.stage)) {
      const before = this.#stageTotals.get(userId) ?? 0;
      const after = Math.max(0, before + d);
      if (after === 0) this.#stageTotals.delete(userId);
      else this.#stageTotals.set(userId, after);
      if ((before === 0) !== (after === 0)) room.stagePresence(userId, after > 0);
    }
  }
}

function diff(a: Map<UserId, number> | undefined, b: Map<UserId, number> | undefined): Map<UserId, number> {
  const out = new Map<UserId, number>();
  for (const [k, v] of b ?? []) out.set(k, v - (a?.get(k) ?? 0));
  for (const [k, v] of a ?? []) if (!b?.has(k)) out.set(k, -v);
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}
