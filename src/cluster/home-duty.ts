/**
 * What a SpaceNode does while it is the home of its Space, for one term (one fencing token):
 * holds the lease, loads and runs the Room, publishes its events and mixed frames to the bus
 * (and straight into the local group), answers the command topic, and sends the heartbeat.
 * Created when the node takes the lease; stopped when it steps down (lease lost, drain, a
 * newer home heard) or closes. Sockets are never touched: they live in the AudienceGroup.
 */
import type { AudioFrame } from '../protocol/audience.js';
import { SpaceState } from '../protocol/space.js';
import { isRostraError } from '../core/errors.js';
import type { Subscription } from '../core/ports/bus.js';
import type { Room } from '../core/space/index.js';
import { encodeAudio, encodeJson, type ClusterMessage } from './codec.js';
import { onCommand } from './home-commands.js';
import { HomeLease } from './home-lease.js';
import { PresenceMerger } from './presence.js';
import type { PresenceSender } from './presence-sender.js';
import { restoreStage } from './restore.js';
import type { SpaceNodeState } from './space-node-state.js';
import { homeLeaseKey, holderOf, topics } from './topics.js';

export interface HomeDutyDeps {
  /** clock ms at the start of the acquire that granted the lease */
  grantedAt: number;
  /** the lease was lost (renew refused, deadline passed): step down */
  onLost(why: string): void;
  /** the Space ended */
  end(reason: string): void;
  /** delivers a message to this node's sockets (the same path as one heard from the bus) */
  applyLocal(msg: ClusterMessage): void;
  presence: PresenceSender;
}

export class HomeDuty {
  /** the Room, once loaded; null again after stop */
  room: Room | null = null;
  merger: PresenceMerger | null = null;
  #lease: HomeLease | null;
  #unwire: (() => void)[] = [];
  #cmdSub: Subscription | null = null;
  #audioBatch: AudioFrame[] = [];

  constructor(
    private readonly s: SpaceNodeState,
    private readonly deps: HomeDutyDeps,
  ) {
    const { ctx } = s;
    this.#lease = new HomeLease(
      {
        leases: ctx.leases,
        clock: ctx.clock,
        log: ctx.log,
        key: homeLeaseKey(s.id),
        holder: holderOf(ctx.self, ctx.url()),
        token: s.token,
        ttlMs: ctx.ttlMs,
        onLost: (why) => deps.onLost(why),
      },
      deps.grantedAt,
    );
  }

  /**
   * Loads the Room and starts serving it. False if the Room could not be loaded: the lease is
   * released and the node is an edge again (or ended, when the Space turned out to be over).
   */
  async start(): Promise<boolean> {
    const { s } = this;
    const { engine, clock, log } = s.ctx;
    // what the previous home last said about the live stage (nothing on a first homing)
    const last = s.fromHome ? { snapshot: s.snapshot, requests: s.group.lastRequests } : null;
    let room: Room;
    try {
      await engine.release(s.id); // a stale room of an earlier term, if any
      room = await engine.room(s.id);
    } catch (err) {
      s.role = 'edge';
      await this.#lease?.release();
      this.#lease = null;
      if (isRostraError(err) && err.code === 'space_ended') this.deps.end('ended');
      else log.error({ err, spaceId: s.id }, 'could not load the room after taking the Space');
      return false;
    }
    if (s.role !== 'home' || s.closed) return true;
    this.room = room;
    log.info({ spaceId: s.id, token: s.token, node: s.ctx.self }, 'edge -> home');
    this.merger = new PresenceMerger(room, s.ctx.self, last !== null);
    // totalJoined goes on from the previous home's last announcement (never backwards)
    if (last) room.carryTotalJoined(last.snapshot.counts.totalJoined);
    this.merger.apply(s.ctx.self, this.deps.presence.next(), clock.now());
    this.#wireRoom(room);
    // queued on the room before anything else can reach it (restore wants a fresh room)
    const restoring = last ? restoreStage(room, last, log) : null;
    await this.subscribeCommands();
    await restoring;
    s.snapshot = room.snapshot();
    this.heartbeat();
    return true;
  }

  /** one watch round of the home: expire silent nodes, retry a failed command subscription */
  watch(now: number): void {
    this.merger?.expire(now);
    if (!this.#cmdSub) void this.subscribeCommands();
  }

  async subscribeCommands(): Promise<void> {
    const { s } = this;
    if (this.#cmdSub || s.role !== 'home') return;
    try {
      const sub = await s.ctx.bus.subscribe(topics.cmd(s.id), (data) =>
        onCommand(s, this.room, this.merger, data),
      );
      if (s.role === 'home' && !this.#cmdSub) this.#cmdSub = sub;
      else await sub.unsubscribe();
    } catch (err) {
      s.ctx.log.warn({ err, spaceId: s.id }, 'home could not subscribe to commands; retrying');
    }
  }

  /**
   * Asked before anything this home sends (frames, bulletins, heartbeats): can it still prove
   * it holds the lease? A no steps the node down on the spot (home-lease.ts), so a home whose
   * process was frozen past its lease never speaks again with its old token.
   */
  mayPublish(): boolean {
    return this.#lease?.provablyHeld() ?? false;
  }

  /** a mixed frame: to the local group now, to the other nodes in batches */
  frame(frame: AudioFrame): void {
    const { s } = this;
    // backstage audio never leaves the home: not to local listeners, not to other nodes
    if (this.room?.state !== SpaceState.live) return;
    if (!this.mayPublish()) return;
    s.group.frame(frame, s.token);
    // a batch carries its first seq only: a skipped mixer tick (seq + 2) starts a new batch, or
    // edges would number the frames after it one too low
    const last = this.#audioBatch.at(-1);
    if (last && frame.seq !== (last.seq + 1) >>> 0) this.#flushAudio();
    this.#audioBatch.push(frame);
    if (this.#audioBatch.length < s.ctx.batchFrames) return;
    const data = encodeAudio(s.token, this.#audioBatch);
    this.#audioBatch = [];
    s.ctx.bus.publish(topics.audio(s.id), data).catch(() => {
      // Redis unreachable: local listeners still get every frame; edges miss this batch
    });
  }

  /**
   * applies a message to this node's sockets and publishes it to the other nodes; only while
   * the lease is provably held, except `gone` (sent after letting the lease go)
   */
  emit(msg: ClusterMessage, local = true): void {
    if (msg.t !== 'gone' && !this.mayPublish()) return;
    if (local) this.deps.applyLocal(msg);
    this.s.ctx.bus.publish(topics.room(this.s.id), encodeJson(msg)).catch(() => {
      // Redis unreachable: edges catch up from the next heartbeat's snapshot
    });
  }

  heartbeat(): void {
    const { s, room } = this;
    if (s.role !== 'home' || !room || room.closed) return;
    s.snapshot = room.snapshot();
    this.emit(
      {
        t: 'home',
        token: s.token,
        node: s.ctx.self,
        url: s.ctx.url(),
        snapshot: s.snapshot,
        requests: room.requests(),
      },
      false,
    );
  }

  /** stops serving (the role is already edge); releases the lease and says so, or abandons it */
  async stepDown(release: boolean): Promise<void> {
    this.#stop();
    const lease = this.#lease;
    this.#lease = null;
    if (release && lease) {
      await lease.release();
      this.emit({ t: 'gone', token: this.s.token }, false);
    } else lease?.abandon();
  }

  close(): void {
    this.#stop();
    this.#lease?.abandon();
  }

  #wireRoom(room: Room): void {
    const ev = room.events;
    const tok = () => this.s.token;
    this.#unwire.push(
      ev.on('snapshot', (snapshot) =>
        this.emit({ t: 'bulletin', token: tok(), msg: { type: 'snapshot', snapshot } }),
      ),
      ev.on('counts', (counts) =>
        this.emit({ t: 'bulletin', token: tok(), msg: { type: 'counts', counts } }),
      ),
      ev.on('reactions', (b) =>
        this.emit({
          t: 'bulletin',
          token: tok(),
          msg: { type: 'reactions', windowMs: b.windowMs, counts: b.counts },
        }),
      ),
      ev.on('questions', (questions) =>
        this.emit({ t: 'bulletin', token: tok(), msg: { type: 'questions', questions } }),
      ),
      ev.on('requests', (requests) => this.emit({ t: 'requests', token: tok(), requests })),
      ev.on('notify', (userId, notice) => this.emit({ t: 'notice', token: tok(), userId, notice })),
      ev.on('kicked', (userId, reason) => this.emit({ t: 'kick', token: tok(), userId, reason })),
      ev.on('ended', (reason) => {
        this.#flushAudio();
        this.emit({ t: 'bulletin', token: tok(), msg: { type: 'ended', reason } });
        void this.#lease?.release();
        this.#lease = null;
        this.deps.end(reason);
      }),
    );
  }

  #stop(): void {
    for (const off of this.#unwire.splice(0)) off();
    void this.#cmdSub?.unsubscribe().catch(() => undefined);
    this.#cmdSub = null;
    this.merger = null;
    this.#audioBatch = [];
    const room = this.room;
    this.room = null;
    if (room && !room.closed) this.s.snapshot = room.snapshot();
    void this.s.ctx.engine.release(this.s.id);
  }

  #flushAudio(): void {
    if (this.#audioBatch.length === 0 || !this.mayPublish()) return;
    const data = encodeAudio(this.s.token, this.#audioBatch);
    this.#audioBatch = [];
    this.s.ctx.bus.publish(topics.audio(this.s.id), data).catch(() => undefined);
  }
}
