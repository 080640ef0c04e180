/**
 * The sockets of one Space on one cluster node, listeners and people on stage alike, whoever
 * the home is. Fed by the home (over the bus, or directly when this node is the home): audio
 * frames, bulletins, per-person notices. Survives home changes, so a failover never touches a
 * listener's socket. Keeps this node's presence (anonymous count, signed-in users, stage
 * users) and reports every change to `onPresence`, which ships it to the home.
 *
 * Lifecycle: created when a socket of the Space first arrives on this node; end() on the
 * Space's end (flush, `ended`, close sockets 1 s later); close() on node shutdown or when the
 * node forgets the Space (idempotent).
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { AudioFrame, AudienceServerMessage } from '../protocol/audience.js';
import { ERRORS } from '../protocol/errors.js';
import type { SpaceId, UserId } from '../protocol/ids.js';
import { Role, type SpaceSnapshot, type SpeakRequest } from '../protocol/space.js';
import type { StageServerMessage } from '../protocol/stage.js';
import type { Logger } from '../core/log.js';
import type { Actor, RoomNotice } from '../core/space/index.js';
import { AudienceFanout } from '../audience/ws/index.js';
import type { FrameSink, SinkFactory } from '../runtime/stage-plane.js';

/** ms the ended notice gets to reach clients before their sockets are closed */
const ENDED_CLOSE_DELAY_MS = 1_000;

/** A node's presence in one Space, as shipped to the home. */
export interface Presence {
  anonymous: number;
  named: Map<UserId, number>;
  stage: Map<UserId, number>;
}

export interface AudienceGroupOptions {
  spaceId: SpaceId;
  log: Logger;
  batchFrames: number;
  sinks: readonly SinkFactory[];
  recording: boolean;
  onPresence: () => void;
}

export class AudienceGroup {
  readonly fanout: AudienceFanout;
  readonly sinks = new Map<string, FrameSink>();
  readonly presence: Presence = { anonymous: 0, named: new Map(), stage: new Map() };
  readonly #stage = new Map<WebSocket, Actor>();
  readonly #listeners = new Map<object, Actor>();
  #requests: SpeakRequest[] = [];
  /** newest fencing token whose frames were played here, and the seq of the last one (-1: none) */
  #token = 0;
  #lastSeq = -1;
  /** frames dropped by the fencing above (older term, or seq not ahead) */
  fencedFrames = 0;
  #closed = false;
  #ended = false;

  constructor(private readonly opts: AudienceGroupOptions) {
    for (const factory of opts.sinks) {
      const sink = factory.create({ id: opts.spaceId, recording: opts.recording });
      if (sink) this.sinks.set(factory.name, sink);
    }
    this.fanout = new AudienceFanout({ windowFrames: opts.batchFrames, logger: opts.log });
    this.fanout.events.on('drop', (socket) => this.#leftListener(socket));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** listener and stage sockets on this node */
  get size(): number {
    return this.fanout.size + this.#stage.size;
  }

  get stageSocketCount(): number {
    return this.#stage.size;
  }

  attachListener(ws: WebSocket, actor: Actor, snapshot: SpaceSnapshot, tcp: Socket | null): () => void {
    this.#assertOpen();
    this.fanout.attach(ws, { userId: actor.userId }, tcp);
    this.#listeners.set(ws, actor);
    bump(this.presence, actor, +1);
    this.opts.onPresence();
    const role = actor.userId ? roleIn(snapshot, actor.userId) : Role.listener;
    const handRaised = actor.userId !== null && this.#requests.some((r) => r.userId === actor.userId);
    this.fanout.sendTo(ws, { type: 'welcome', snapshot, you: { userId: actor.userId, role, handRaised } });
    return () => {
      if (!this.#closed) this.fanout.detach(ws);
      this.#leftListener(ws);
    };
  }

  attachStage(ws: WebSocket, actor: Actor, snapshot: SpaceSnapshot): () => void {
    this.#assertOpen();
    const userId = actor.userId as UserId;
    this.#stage.set(ws, actor);
    this.presence.stage.set(userId, (this.presence.stage.get(userId) ?? 0) + 1);
    this.opts.onPresence();
    send(ws, {
      type: 'welcome',
      you: { userId, role: roleIn(snapshot, userId) },
      snapshot,
      requests: this.#moderates(actor, snapshot) ? this.#requests : [],
    });
    return () => {
      if (!this.#stage.delete(ws)) return;
      const n = (this.presence.stage.get(userId) ?? 1) - 1;
      if (n <= 0) this.presence.stage.delete(userId);
      else this.presence.stage.set(userId, n);
      if (!this.#closed) this.opts.onPresence();
    };
  }

  /**
   * A mixed frame from the home of term `token` (this node's mixer or the bus). Fenced here,
   * where every path to this node's listeners and sinks meets: a frame of an older term than
   * the newest one played is dropped (a deposed home that woke up), and so is one whose seq is
   * not ahead of the last one played (a duplicate, a late batch, a new home whose clock is
   * behind: it is heard once its seq passes). Listeners never get a seq twice or backwards.
   */
  frame(frame: AudioFrame, token: number): void {
    if (this.#closed || this.#ended) return;
    if (token < this.#token) {
      this.fencedFrames++;
      return;
    }
    if (this.#lastSeq >= 0) {
      const ahead = (frame.seq - this.#lastSeq) >>> 0;
      if (ahead === 0 || ahead >= 0x8000_0000) {
        this.fencedFrames++;
        return;
      }
    }
    this.#token = token;
    this.#lastSeq = frame.seq;
    this.fanout.push(frame);
    for (const [name, sink] of this.sinks) {
      try {
        sink.push(frame);
      } catch (err) {
        this.opts.log.error({ err, sink: name }, 'a stream sink failed on a frame');
      }
    }
  }

  /** a message for every socket of the Space; `ended` ends the group */
  bulletin(msg: AudienceServerMessage, snapshot: SpaceSnapshot): void {
    if (this.#closed || this.#ended) return;
    if (msg.type === 'ended') return this.end(msg.reason);
    this.fanout.bulletin(msg);
    if (msg.type === 'welcome' || msg.type === 'switch_tier') return;
    for (const ws of this.#stage.keys()) send(ws, msg as StageServerMessage);
    if (msg.type === 'snapshot') this.#dropStaleStageSockets(snapshot);
  }

  /** the raised hands last heard from the home */
  get lastRequests(): readonly SpeakRequest[] {
    return this.#requests;
  }

  /** the latest raised hands, for the welcome of a moderator's stage socket (sends nothing) */
  rememberRequests(requests: SpeakRequest[]): void {
    this.#requests = requests;
  }

  requests(requests: SpeakRequest[], snapshot: SpaceSnapshot): void {
    this.#requests = requests;
    for (const [ws, actor] of this.#stage)
      if (this.#moderates(actor, snapshot)) send(ws, { type: 'requests', requests });
  }

  notice(userId: UserId, notice: RoomNotice): void {
    if (this.#closed) return;
    for (const s of this.fanout.socketsOf(userId)) this.fanout.sendTo(s, notice);
    if (notice.type !== 'role') return;
    for (const [ws, actor] of this.#stage) if (actor.userId === userId) send(ws, notice);
    if (notice.role === Role.listener) {
      for (const [ws, actor] of this.#stage) if (actor.userId === userId) ws.close(1000, 'moved_to_audience');
    }
  }

  slots(userId: UserId, slots: Record<string, UserId>): void {
    for (const [ws, actor] of this.#stage) if (actor.userId === userId) send(ws, { type: 'slots', slots });
  }

  kick(userId: UserId, reason: 'removed' | 'banned'): void {
    if (this.#closed) return;
    const code = ERRORS[reason === 'banned' ? 'banned' : 'forbidden'].ws;
    const notice = { type: 'removed', reason } as const;
    for (const s of [...this.fanout.socketsOf(userId)]) {
      this.fanout.sendTo(s, notice);
      s.close(code, reason);
    }
    for (const [ws, actor] of this.#stage) {
      if (actor.userId !== userId) continue;
      send(ws, notice);
      ws.close(code, reason);
    }
  }

  /** every listener socket, for drain */
  listenerSockets(): WebSocket[] {
    return [...this.#listeners.keys()] as WebSocket[];
  }

  stageSockets(): WebSocket[] {
    return [...this.#stage.keys()];
  }

  end(reason: string): void {
    if (this.#closed || this.#ended) return;
    this.#ended = true;
    this.fanout.flush();
    for (const sink of this.sinks.values()) sink.end();
    const msg = { type: 'ended', reason } as const;
    this.fanout.bulletin(msg);
    for (const ws of this.#stage.keys()) send(ws, msg);
    setTimeout(() => this.close(), ENDED_CLOSE_DELAY_MS).unref();
  }

  close(code: number = ERRORS.space_ended.ws, reason = 'space_ended'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.fanout.close({ code, reason });
    for (const sink of this.sinks.values()) sink.close();
    for (const ws of this.#stage.keys()) ws.close(code, reason);
    this.#stage.clear();
    this.#listeners.clear();
  }

  /** a stage socket of someone no longer on stage (moved down while the notice was lost) */
  #dropStaleStageSockets(snapshot: SpaceSnapshot): void {
    for (const [ws, actor] of this.#stage) {
      if (actor.admin || !actor.userId) continue;
      if (roleIn(snapshot, actor.userId) === Role.listener) ws.close(1000, 'moved_to_audience');
    }
  }

  #leftListener(socket: object): void {
    const actor = this.#listeners.get(socket);
    if (!actor) return;
    this.#listeners.delete(socket);
    bump(this.presence, actor, -1);
    if (!this.#closed) this.opts.onPresence();
  }

  #moderates(actor: Actor, snapshot: SpaceSnapshot): boolean {
    if (actor.admin) return true;
    if (!actor.userId) return false;
    const role = roleIn(snapshot, actor.userId);
    return role === Role.host || role === Role.cohost;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`audience group of ${this.opts.spaceId} is closed`);
  }
}

export function roleIn(snapshot: SpaceSnapshot, userId: UserId): Role {
  return snapshot.stage.find((m) => m.userId === userId)?.role ?? Role.listener;
}

function bump(p: Presence, actor: Actor, by: 1 | -1): void {
  if (actor.anonymous || actor.userId === null) {
    p.anonymous = Math.max(0, p.anonymous + by);
    return;
  }
  const n = (p.named.get(actor.userId) ?? 0) + by;
  if (n <= 0) p.named.delete(actor.userId);
  else p.named.set(actor.userId, n);
}

function send(ws: WebSocket, msg: StageServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}
