/**
 * One Space on one cluster node. Every node that has sockets for the Space holds one; exactly
 * one of them is the home (holds the lease `space:<id>:home`, runs the Room, stage, mixer and
 * recorder). The others are edges. Whatever the role, the node's sockets live in its
 * AudienceGroup, so changing role never touches a listener.
 *
 *            acquire ok                         lease lost / drain / newer home seen
 *   edge ───────────────────▶ home ───────────────────────────────────────────────▶ edge
 *    │ ▲ home silent for ttl:                    │ Space ended
 *    │ └ try acquire (failover)                  ▼
 *    └───────── ended bulletin ──────────────▶ ended ──▶ forgotten
 *
 * Home: room events -> bulletins/notices on the room topic AND straight into the local group;
 * mixed frames -> the local group and, in batches, the audio topic; commands and presence
 * reports arrive on the command topic. Edge: the reverse. Every message from a home carries
 * its fencing token; anything from a lower token than the highest seen is ignored.
 *
 * This class is the facade the hub and the control plane use. Its parts share one
 * SpaceNodeState (space-node-state.ts): Homing (homing.ts) changes the role, HomeDuty
 * (home-duty.ts) is one term as home, BusReceiver (bus-receiver.ts) is what the node hears from
 * the home, PresenceSender (presence-sender.ts) sends its presence reports, and
 * home-commands.ts runs commands here or at the home and answers calls as the home.
 */
import type { AudioFrame } from '../protocol/audience.js';
import type { NodeId, SpaceId, UserId } from '../protocol/ids.js';
import type { Role, SpaceSnapshot, SpaceState } from '../protocol/space.js';
import type { StageClientMessage } from '../protocol/stage.js';
import type { AudienceClientMessage } from '../protocol/audience.js';
import { RostraError } from '../core/errors.js';
import type { Subscription } from '../core/ports/bus.js';
import type { Actor, ListenerQuery } from '../core/space/index.js';
import type { ListenerPage } from '../protocol/api.js';
import type { RoomHandle } from '../control/ports.js';
import { AudienceGroup, roleIn } from './audience-group.js';
import { BusReceiver } from './bus-receiver.js';
import type { CallBody } from './codec.js';
import { runCommand } from './home-commands.js';
import { EDGE_IDLE_MS, Homing } from './homing.js';
import { PRESENCE_BEAT_MS } from './presence.js';
import { PresenceSender } from './presence-sender.js';
import { HEARTBEAT_MS, SpaceNodeState, storeSnapshot } from './space-node-state.js';
import { topics } from './topics.js';
import type { NodeContext } from './node-context.js';

export { EDGE_IDLE_MS, HEARTBEAT_MS };
/** longest ms between two watch rounds (edges: is the home silent? home: expire silent nodes) */
const WATCH_MAX_MS = 250;
/** ms between two `levels` bulletins */
const LEVELS_INTERVAL_MS = 200;

export class SpaceNode implements RoomHandle {
  readonly group: AudienceGroup;
  readonly #s: SpaceNodeState;
  readonly #homing: Homing;
  readonly #receiver: BusReceiver;
  readonly #presence: PresenceSender;
  #subs: Subscription[] = [];
  #lastLevelsAt = 0;
  #timers: { cancel(): void }[] = [];

  private constructor(
    readonly id: SpaceId,
    private readonly ctx: NodeContext,
    snapshot: SpaceSnapshot,
  ) {
    this.group = new AudienceGroup({
      spaceId: id,
      log: ctx.log,
      batchFrames: ctx.batchFrames,
      sinks: ctx.edgeSinks,
      recording: snapshot.space.recording,
      onPresence: () => this.#presence.changed(),
    });
    this.#s = new SpaceNodeState(id, ctx, this.group, snapshot);
    this.#presence = new PresenceSender(this.#s, () => this.#homing.duty?.merger ?? null);
    this.#receiver = new BusReceiver(this.#s, {
      stepDown: (why) => void this.stepDown(why, false),
      tryTakeOver: () => void this.tryTakeOver(),
      sendPresence: () => this.#presence.send(),
      end: (reason) => this.#end(reason),
    });
    this.#homing = new Homing(this.#s, {
      receiver: this.#receiver,
      presence: this.#presence,
      end: (reason) => this.#end(reason),
      forget: () => ctx.forget(this),
    });
  }

  /** joins the Space on this node: subscribes, then becomes home if the lease is free */
  static async open(id: SpaceId, ctx: NodeContext): Promise<SpaceNode> {
    const info = await ctx.store.getSpace(id);
    if (!info) throw new RostraError('space_not_found');
    if (info.state === 'ended') throw new RostraError('space_ended');
    const snapshot = storeSnapshot(info, await ctx.store.getAccount(info.hostId));
    const node = new SpaceNode(id, ctx, snapshot);
    try {
      await node.#start();
    } catch (err) {
      node.close();
      throw err;
    }
    return node;
  }

  get isHome(): boolean {
    return this.#s.role === 'home';
  }

  get homeToken(): number {
    return this.#s.token;
  }

  get homeNode(): { node: NodeId; url: string } | null {
    return this.#s.home;
  }

  get state(): SpaceState {
    return this.#homing.live?.state ?? this.#s.snapshot.space.state;
  }

  get ended(): boolean {
    return this.#s.role === 'ended';
  }

  // ---- RoomHandle: answered locally when home, through the home otherwise ----

  snapshot(): SpaceSnapshot {
    const room = this.#homing.live;
    if (room) return room.snapshot();
    return this.#s.snapshot;
  }

  roleOf(userId: UserId): Role {
    const room = this.#homing.live;
    if (room) return room.roleOf(userId);
    return roleIn(this.#s.snapshot, userId);
  }

  async admit(actor: Actor): Promise<void> {
    const room = this.#homing.live;
    if (room) return room.admit(actor);
    if (this.#s.role === 'ended' || this.#s.snapshot.space.state === 'ended')
      throw new RostraError('space_ended');
    if (actor.userId === null || actor.anonymous) {
      if (!this.#s.snapshot.space.allowAnonymous) throw new RostraError('anonymous_not_allowed');
      return;
    }
    if (await this.ctx.store.isBanned(this.id, actor.userId)) throw new RostraError('banned');
  }

  async handleStage(actor: Actor, msg: StageClientMessage): Promise<void> {
    await this.#run(actor, { kind: 'stage', msg });
  }

  async handleAudience(actor: Actor, msg: AudienceClientMessage): Promise<void> {
    await this.#run(actor, { kind: 'audience', msg });
  }

  async listeners(actor: Actor, query: ListenerQuery): Promise<ListenerPage> {
    return (await this.#run(actor, { kind: 'listeners', query })) as ListenerPage;
  }

  async openBackstage(actor: Actor): Promise<void> {
    await this.#run(actor, { kind: 'open' });
  }

  async publish(actor: Actor, offerSdp: string): Promise<{ sessionId: string; answerSdp: string }> {
    return (await this.#run(actor, { kind: 'publish', offerSdp })) as {
      sessionId: string;
      answerSdp: string;
    };
  }

  async unpublish(actor: Actor, sessionId: string): Promise<void> {
    await this.#run(actor, { kind: 'unpublish', sessionId });
  }

  // ---- frames and stage events from this node's stage plane (home only) ----

  /** home, and still able to prove it holds the lease (stops being home when it cannot) */
  mayPublish(): boolean {
    return this.#s.role === 'home' && (this.#homing.duty?.mayPublish() ?? false);
  }

  homeFrame(frame: AudioFrame): void {
    if (this.#s.role !== 'home') return;
    this.#homing.duty?.frame(frame);
  }

  homeLevels(levels: Record<string, number>, now: number): void {
    if (this.#s.role !== 'home' || now - this.#lastLevelsAt < LEVELS_INTERVAL_MS) return;
    this.#lastLevelsAt = now;
    this.#homing.duty?.emit({ t: 'bulletin', token: this.#s.token, msg: { type: 'levels', levels } });
  }

  homeSlots(userId: UserId, slots: Record<string, UserId>): void {
    if (this.#s.role !== 'home') return;
    this.#homing.duty?.emit({ t: 'slots', token: this.#s.token, userId, slots });
  }

  /** one watch round: expire silent nodes (home) or take over a silent home (edge) */
  watch(): void {
    this.#homing.watch();
  }

  /** edge: takes the lease if it is free; otherwise learns who holds it */
  async tryTakeOver(): Promise<void> {
    await this.#homing.tryTakeOver();
  }

  /** stops acting as home (lease lost, drain); sockets stay */
  async stepDown(why: string, release: boolean): Promise<void> {
    await this.#homing.stepDown(why, release);
  }

  close(): void {
    const s = this.#s;
    if (s.closed) return;
    s.closed = true;
    this.#homing.close();
    for (const t of this.#timers) t.cancel();
    this.#presence.close();
    for (const sub of this.#subs) void sub.unsubscribe().catch(() => undefined);
    this.group.close(1001, 'server_shutting_down');
  }

  // ---- internals ----

  /** runs a command here if home, otherwise at the home */
  #run(actor: Actor, body: CallBody): Promise<unknown> {
    return runCommand(this.#s, this.#homing.live, actor, body);
  }

  async #start(): Promise<void> {
    const { bus, clock } = this.ctx;
    const r = this.#receiver;
    this.#subs.push(await bus.subscribe(topics.room(this.id), (data) => r.onRoomTopic(data)));
    this.#subs.push(await bus.subscribe(topics.audio(this.id), (data) => r.onAudio(data)));
    const watchMs = Math.max(50, Math.min(WATCH_MAX_MS, Math.floor(this.ctx.ttlMs / 3)));
    this.#timers.push(clock.setInterval(() => this.watch(), watchMs));
    this.#timers.push(clock.setInterval(() => this.#presence.send(), PRESENCE_BEAT_MS));
    this.#timers.push(clock.setInterval(() => this.#homing.duty?.heartbeat(), HEARTBEAT_MS));
    await this.#homing.join();
  }

  #end(reason: string): void {
    const s = this.#s;
    if (s.role === 'ended') return;
    s.role = 'ended';
    s.snapshot = { ...s.snapshot, space: { ...s.snapshot.space, state: 'ended' } };
    this.group.end(reason);
    for (const t of this.#timers) t.cancel();
    setTimeout(() => this.ctx.forget(this), 2_000).unref();
  }
}
