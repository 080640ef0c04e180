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
 */
import type { AudioFrame } from '../protocol/audience.js';
import type { NodeId, SpaceId, UserId } from '../protocol/ids.js';
import type { Role, SpaceSnapshot, SpaceState, SpeakRequest } from '../protocol/space.js';
import type { StageClientMessage } from '../protocol/stage.js';
import type { AudienceClientMessage } from '../protocol/audience.js';
import { RostraError, isRostraError } from '../core/errors.js';
import type { Subscription } from '../core/ports/bus.js';
import type { Actor, Room } from '../core/space/index.js';
import type { RoomHandle } from '../control/ports.js';
import { AudienceGroup, roleIn } from './audience-group.js';
import { decode, encodeAudio, encodeJson, type CallBody, type ClusterMessage } from './codec.js';
import { HomeLease } from './home-lease.js';
import { PRESENCE_BEAT_MS, PresenceMerger, toReport } from './presence.js';
import { restoreStage } from './restore.js';
import { homeLeaseKey, holderOf, parseHolder, topics } from './topics.js';
import type { NodeContext } from './node-context.js';

/** ms between two heartbeats of a home */
export const HEARTBEAT_MS = 1_000;
/** ms without a word from the home after which an edge starts trying to take the lease */
const HOME_SUSPECT_MS = 500;
/** ms an edge without sockets keeps the Space before unsubscribing */
export const EDGE_IDLE_MS = 30_000;
/** longest ms between two watch rounds (edges: is the home silent? home: expire silent nodes) */
const WATCH_MAX_MS = 250;
/** ms without a word from the home after which commands fail fast (the client retries) */
const HOME_SILENT_MS = 2 * HEARTBEAT_MS + 500;
/** ms between two `levels` bulletins */
const LEVELS_INTERVAL_MS = 200;
/** ms a presence change waits so a burst of joins makes one report */
const PRESENCE_COALESCE_MS = 200;

type Role_ = 'edge' | 'home' | 'ended';

export class SpaceNode implements RoomHandle {
  readonly group: AudienceGroup;
  #role: Role_ = 'edge';
  #snapshot: SpaceSnapshot;
  /** the cached snapshot came from a home (not only from the store) */
  #fromHome = false;
  /** highest home fencing token seen */
  #token = 0;
  #home: { node: NodeId; url: string } | null = null;
  /** clock ms when the home was last heard from (any message) */
  #lastHeard: number;
  #room: Room | null = null;
  #lease: HomeLease | null = null;
  #merger: PresenceMerger | null = null;
  #unwire: (() => void)[] = [];
  #subs: Subscription[] = [];
  #cmdSub: Subscription | null = null;
  #audioBatch: AudioFrame[] = [];
  /** fencing token and seq of the last frame fed to the group from the bus (-1: none yet) */
  #audioToken = 0;
  #lastSeq = -1;
  #lastLevelsAt = 0;
  #presenceSeq = 0;
  #presenceTimer: NodeJS.Timeout | null = null;
  #timers: { cancel(): void }[] = [];
  #taking = false;
  /** clock ms since when this edge has had no socket, or null */
  #emptySince: number | null = null;
  #closed = false;

  private constructor(
    readonly id: SpaceId,
    private readonly ctx: NodeContext,
    snapshot: SpaceSnapshot,
  ) {
    this.#snapshot = snapshot;
    this.#lastHeard = ctx.clock.now();
    this.group = new AudienceGroup({
      spaceId: id,
      log: ctx.log,
      batchFrames: ctx.batchFrames,
      sinks: ctx.edgeSinks,
      recording: snapshot.space.recording,
      onPresence: () => this.#presenceChanged(),
    });
  }

  /** joins the Space on this node: subscribes, then becomes home if the lease is free */
  static async open(id: SpaceId, ctx: NodeContext): Promise<SpaceNode> {
    const info = await ctx.store.getSpace(id);
    if (!info) throw new RostraError('space_not_found');
    if (info.state === 'ended') throw new RostraError('space_ended');
    const host = await ctx.store.getAccount(info.hostId);
    const snapshot: SpaceSnapshot = {
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
    };
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
    return this.#role === 'home';
  }

  get homeToken(): number {
    return this.#token;
  }

  get homeNode(): { node: NodeId; url: string } | null {
    return this.#home;
  }

  get state(): SpaceState {
    return this.#room && !this.#room.closed ? this.#room.state : this.#snapshot.space.state;
  }

  get ended(): boolean {
    return this.#role === 'ended';
  }

  // ---- RoomHandle: answered locally when home, through the home otherwise ----

  snapshot(): SpaceSnapshot {
    if (this.#room && !this.#room.closed) return this.#room.snapshot();
    return this.#snapshot;
  }

  roleOf(userId: UserId): Role {
    if (this.#room && !this.#room.closed) return this.#room.roleOf(userId);
    return roleIn(this.#snapshot, userId);
  }

  async admit(actor: Actor): Promise<void> {
    if (this.#room && !this.#room.closed) return this.#room.admit(actor);
    if (this.#role === 'ended' || this.#snapshot.space.state === 'ended')
      throw new RostraError('space_ended');
    if (actor.userId === null || actor.anonymous) {
      if (!this.#snapshot.space.allowAnonymous) throw new RostraError('anonymous_not_allowed');
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

  homeFrame(frame: AudioFrame): void {
    if (this.#role !== 'home') return;
    this.group.frame(frame);
    // a batch carries its first seq only: a skipped mixer tick (seq + 2) starts a new batch, or
    // edges would number the frames after it one too low
    const last = this.#audioBatch.at(-1);
    if (last && frame.seq !== (last.seq + 1) >>> 0) this.#flushAudio();
    this.#audioBatch.push(frame);
    if (this.#audioBatch.length < this.ctx.batchFrames) return;
    const data = encodeAudio(this.#token, this.#audioBatch);
    this.#audioBatch = [];
    this.ctx.bus.publish(topics.audio(this.id), data).catch(() => {
      // Redis unreachable: local listeners still get every frame; edges miss this batch
    });
  }

  homeLevels(levels: Record<string, number>, now: number): void {
    if (this.#role !== 'home' || now - this.#lastLevelsAt < LEVELS_INTERVAL_MS) return;
    this.#lastLevelsAt = now;
    this.#emit({ t: 'bulletin', token: this.#token, msg: { type: 'levels', levels } });
  }

  homeSlots(userId: UserId, slots: Record<string, UserId>): void {
    if (this.#role !== 'home') return;
    this.#emit({ t: 'slots', token: this.#token, userId, slots });
  }

  /** one watch round: expire silent nodes (home) or take over a silent home (edge) */
  watch(): void {
    if (this.#closed || this.#role === 'ended') return;
    const now = this.ctx.clock.now();
    if (this.#role === 'home') {
      this.#merger?.expire(now);
      if (!this.#cmdSub) void this.#subscribeCommands();
      return;
    }
    // an edge with no sockets left unsubscribes after a while (bus traffic follows listeners)
    if (this.group.size > 0) this.#emptySince = null;
    else if (this.#emptySince === null) this.#emptySince = now;
    else if (now - this.#emptySince >= EDGE_IDLE_MS) return this.ctx.forget(this);
    // audio arrives every ~60 ms: a home silent this long is likely gone, so try the lease (it
    // only succeeds once the lease has really expired or been released)
    if (now - this.#lastHeard >= HOME_SUSPECT_MS) void this.tryTakeOver();
  }

  /** edge: takes the lease if it is free; otherwise learns who holds it */
  async tryTakeOver(): Promise<void> {
    if (this.#taking || this.#closed || this.#role !== 'edge' || this.ctx.draining()) return;
    this.#taking = true;
    const key = homeLeaseKey(this.id);
    const holder = holderOf(this.ctx.self, this.ctx.url());
    try {
      const started = this.ctx.clock.now();
      const grant = await this.ctx.leases.acquire(key, holder, this.ctx.ttlMs);
      if (this.#closed || this.#role !== 'edge') {
        if (grant) await this.ctx.leases.release(key, holder, grant.token);
        return;
      }
      if (grant) return await this.#becomeHome(grant.token, started);
      const info = await this.ctx.leases.holder(key);
      if (info && info.token >= this.#token) {
        this.#home = parseHolder(info.holder);
        this.#token = info.token;
        this.#lastHeard = this.ctx.clock.now();
      }
    } catch (err) {
      this.ctx.log.warn({ err, spaceId: this.id }, 'could not check the home lease; will retry');
    } finally {
      this.#taking = false;
    }
  }

  /** stops acting as home (lease lost, drain); sockets stay */
  async stepDown(why: string, release: boolean): Promise<void> {
    if (this.#role !== 'home') return;
    this.#role = 'edge';
    this.ctx.log.warn({ spaceId: this.id, token: this.#token, why }, 'home -> edge');
    this.#unwireHome();
    const lease = this.#lease;
    this.#lease = null;
    if (release && lease) {
      await lease.release();
      this.#emit({ t: 'gone', token: this.#token }, false);
    } else lease?.abandon();
    this.#lastHeard = this.ctx.clock.now();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#role === 'home') {
      this.#unwireHome();
      this.#lease?.abandon();
    }
    for (const t of this.#timers) t.cancel();
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    for (const s of this.#subs) void s.unsubscribe().catch(() => undefined);
    this.group.close(1001, 'server_shutting_down');
  }

  // ---- internals ----

  async #start(): Promise<void> {
    const { bus } = this.ctx;
    this.#subs.push(await bus.subscribe(topics.room(this.id), (data) => this.#onRoomTopic(data)));
    this.#subs.push(await bus.subscribe(topics.audio(this.id), (data) => this.#onAudio(data)));
    const clock = this.ctx.clock;
    const watchMs = Math.max(50, Math.min(WATCH_MAX_MS, Math.floor(this.ctx.ttlMs / 3)));
    this.#timers.push(clock.setInterval(() => this.watch(), watchMs));
    this.#timers.push(clock.setInterval(() => this.#sendPresence(), PRESENCE_BEAT_MS));
    this.#timers.push(clock.setInterval(() => this.#heartbeat(), HEARTBEAT_MS));
    await this.tryTakeOver();
    if (this.#role === 'edge' && this.#home) {
      // learn the live stage from the home (the store knows only the host)
      try {
        const snap = (await this.ctx.calls.call(this.id, SYSTEM, { kind: 'snapshot' })) as {
          snapshot: SpaceSnapshot;
          requests: SpeakRequest[];
        };
        this.#snapshot = snap.snapshot;
        this.#fromHome = true;
        this.group.rememberRequests(snap.requests);
      } catch {
        // home silent: the watcher takes over after the lease ttl; the store's view meanwhile
      }
    }
  }

  async #becomeHome(token: number, grantedAt: number): Promise<void> {
    const { engine, clock, log } = this.ctx;
    this.#token = token;
    this.#home = { node: this.ctx.self, url: this.ctx.url() };
    this.#lease = new HomeLease(
      {
        leases: this.ctx.leases,
        clock,
        log,
        key: homeLeaseKey(this.id),
        holder: holderOf(this.ctx.self, this.ctx.url()),
        token,
        ttlMs: this.ctx.ttlMs,
        onLost: (why) => void this.stepDown(`lease ${why}`, false),
      },
      grantedAt,
    );
    this.#role = 'home';
    // what the previous home last said about the live stage (nothing on a first homing)
    const last = this.#fromHome ? { snapshot: this.#snapshot, requests: this.group.lastRequests } : null;
    let room: Room;
    try {
      await engine.release(this.id); // a stale room of an earlier term, if any
      room = await engine.room(this.id);
    } catch (err) {
      this.#role = 'edge';
      await this.#lease.release();
      this.#lease = null;
      if (isRostraError(err) && err.code === 'space_ended') this.#end('ended');
      else log.error({ err, spaceId: this.id }, 'could not load the room after taking the Space');
      return;
    }
    if (this.#role !== 'home' || this.#closed) return;
    this.#room = room;
    log.info({ spaceId: this.id, token, node: this.ctx.self }, 'edge -> home');
    this.#merger = new PresenceMerger(room, this.ctx.self);
    this.#merger.apply(this.ctx.self, toReport(++this.#presenceSeq, this.group.presence), clock.now());
    this.#wireRoom(room);
    // queued on the room before anything else can reach it (restore wants a fresh room)
    const restoring = last ? restoreStage(room, last, log) : null;
    await this.#subscribeCommands();
    await restoring;
    this.#snapshot = room.snapshot();
    this.#heartbeat();
  }

  async #subscribeCommands(): Promise<void> {
    if (this.#cmdSub || this.#role !== 'home') return;
    try {
      const sub = await this.ctx.bus.subscribe(topics.cmd(this.id), (data) => this.#onCommand(data));
      if (this.#role === 'home' && !this.#cmdSub) this.#cmdSub = sub;
      else await sub.unsubscribe();
    } catch (err) {
      this.ctx.log.warn({ err, spaceId: this.id }, 'home could not subscribe to commands; retrying');
    }
  }

  #wireRoom(room: Room): void {
    const ev = room.events;
    const tok = () => this.#token;
    this.#unwire.push(
      ev.on('snapshot', (snapshot) =>
        this.#emit({ t: 'bulletin', token: tok(), msg: { type: 'snapshot', snapshot } }),
      ),
      ev.on('counts', (counts) =>
        this.#emit({ t: 'bulletin', token: tok(), msg: { type: 'counts', counts } }),
      ),
      ev.on('reactions', (b) =>
        this.#emit({
          t: 'bulletin',
          token: tok(),
          msg: { type: 'reactions', windowMs: b.windowMs, counts: b.counts },
        }),
      ),
      ev.on('requests', (requests) => this.#emit({ t: 'requests', token: tok(), requests })),
      ev.on('notify', (userId, notice) => this.#emit({ t: 'notice', token: tok(), userId, notice })),
      ev.on('kicked', (userId, reason) => this.#emit({ t: 'kick', token: tok(), userId, reason })),
      ev.on('ended', (reason) => {
        this.#flushAudio();
        this.#emit({ t: 'bulletin', token: tok(), msg: { type: 'ended', reason } });
        void this.#lease?.release();
        this.#lease = null;
        this.#end(reason);
      }),
    );
  }

  #unwireHome(): void {
    for (const off of this.#unwire.splice(0)) off();
    void this.#cmdSub?.unsubscribe().catch(() => undefined);
    this.#cmdSub = null;
    this.#merger = null;
    this.#audioBatch = [];
    const room = this.#room;
    this.#room = null;
    if (room && !room.closed) this.#snapshot = room.snapshot();
    void this.ctx.engine.release(this.id);
  }

  #flushAudio(): void {
    if (this.#audioBatch.length === 0) return;
    const data = encodeAudio(this.#token, this.#audioBatch);
    this.#audioBatch = [];
    this.ctx.bus.publish(topics.audio(this.id), data).catch(() => undefined);
  }

  #end(reason: string): void {
    if (this.#role === 'ended') return;
    this.#role = 'ended';
    this.#snapshot = { ...this.#snapshot, space: { ...this.#snapshot.space, state: 'ended' } };
    this.group.end(reason);
    for (const t of this.#timers) t.cancel();
    setTimeout(() => this.ctx.forget(this), 2_000).unref();
  }

  /** home: applies a message to this node's sockets and publishes it to the other nodes */
  #emit(msg: ClusterMessage, local = true): void {
    if (local) this.#applyLocal(msg);
    this.ctx.bus.publish(topics.room(this.id), encodeJson(msg)).catch(() => {
      // Redis unreachable: edges catch up from the next heartbeat's snapshot
    });
  }

  #heartbeat(): void {
    if (this.#role !== 'home' || !this.#room || this.#room.closed) return;
    this.#snapshot = this.#room.snapshot();
    this.#emit(
      {
        t: 'home',
        token: this.#token,
        node: this.ctx.self,
        url: this.ctx.url(),
        snapshot: this.#snapshot,
        requests: this.#room.requests(),
      },
      false,
    );
  }

  #onRoomTopic(data: Uint8Array): void {
    const d = decode(data);
    if (d?.kind !== 'json' || this.#closed) return;
    const msg = d.msg;
    if (!('token' in msg) || typeof msg.token !== 'number') return;
    if (msg.token < this.#token) return; // a deposed home that has not noticed yet
    if (this.#role === 'home') {
      if (msg.token === this.#token) return; // our own message coming back
      void this.stepDown(`a newer home (token ${msg.token}) is speaking`, false);
    }
    const newer = msg.token > this.#token;
    this.#token = msg.token;
    this.#lastHeard = this.ctx.clock.now();
    if (msg.t === 'gone') {
      this.#home = null;
      this.#lastHeard = 0;
      setTimeout(() => void this.tryTakeOver(), Math.random() * 200).unref();
      return;
    }
    if (msg.t === 'home') this.#home = { node: msg.node, url: msg.url };
    if (newer) this.#sendPresence(); // a new home: tell it who is here right away
    this.#applyLocal(msg);
  }

  #applyLocal(msg: ClusterMessage): void {
    switch (msg.t) {
      case 'home':
        this.#snapshot = msg.snapshot;
        this.#fromHome = true;
        this.group.rememberRequests(msg.requests);
        return;
      case 'bulletin':
        if (msg.msg.type === 'snapshot') {
          this.#snapshot = msg.msg.snapshot;
          this.#fromHome = true;
        }
        if (msg.msg.type === 'counts') this.#snapshot = { ...this.#snapshot, counts: msg.msg.counts };
        if (msg.msg.type === 'ended') {
          if (this.#role === 'home') return; // the room's own ended handler ends the group
          this.group.end(msg.msg.reason);
          this.#end(msg.msg.reason);
          return;
        }
        this.group.bulletin(msg.msg, this.#snapshot);
        return;
      case 'requests':
        this.group.requests(msg.requests, this.#snapshot);
        return;
      case 'notice':
        this.group.notice(msg.userId, msg.notice);
        return;
      case 'slots':
        this.group.slots(msg.userId, msg.slots);
        return;
      case 'kick':
        this.group.kick(msg.userId, msg.reason);
        return;
      default:
        return;
    }
  }

  #onAudio(data: Uint8Array): void {
    if (this.#role !== 'edge' || this.#closed) return;
    const d = decode(data);
    if (d?.kind !== 'audio' || d.token < this.#token) return;
    if (d.token > this.#token) this.#sendPresence(); // a new home: tell it who is here right away
    if (d.token !== this.#audioToken) this.#lastSeq = -1;
    this.#token = d.token;
    this.#audioToken = d.token;
    this.#lastHeard = this.ctx.clock.now();
    for (const f of d.frames) {
      // a duplicated or overtaken batch: never play a frame twice or out of order
      if (this.#lastSeq >= 0) {
        const ahead = (f.seq - this.#lastSeq) >>> 0;
        if (ahead === 0 || ahead >= 0x8000_0000) continue;
      }
      this.#lastSeq = f.seq;
      this.group.frame(f);
    }
  }

  #onCommand(data: Uint8Array): void {
    const d = decode(data);
    if (d?.kind !== 'json' || this.#role !== 'home' || !this.#room) return;
    const msg = d.msg;
    const now = this.ctx.clock.now();
    if (msg.t === 'presence') {
      if (msg.node === this.ctx.self) return;
      this.#merger?.apply(msg.node, msg, now);
      return;
    }
    if (msg.t !== 'call' || !this.ctx.seen.first(msg.from, msg.id, now)) return;
    this.#exec(msg.actor, msg.body).then(
      (result) => this.#reply(msg.from, { t: 'reply', id: msg.id, ok: true, result: result ?? null }),
      (err: unknown) => {
        if (!isRostraError(err)) this.ctx.log.error({ err, spaceId: this.id }, 'remote command failed');
        const code = isRostraError(err) ? err.code : 'internal';
        const message = err instanceof Error ? err.message : String(err);
        this.#reply(msg.from, { t: 'reply', id: msg.id, ok: false, code, message });
      },
    );
  }

  #reply(to: NodeId, msg: ClusterMessage): void {
    this.ctx.bus.publish(topics.node(to), encodeJson(msg)).catch(() => undefined);
  }

  /** runs a command here if home, otherwise at the home */
  async #run(actor: Actor, body: CallBody): Promise<unknown> {
    if (this.#role === 'home' && this.#room && !this.#room.closed) return this.#exec(actor, body);
    if (this.#role === 'ended') throw new RostraError('space_ended');
    if (this.ctx.clock.now() - this.#lastHeard > HOME_SILENT_MS)
      throw new RostraError(
        'server_busy',
        "the Space's home is not answering; another node takes over shortly",
      );
    return this.ctx.calls.call(this.id, actor, body);
  }

  async #exec(actor: Actor, body: CallBody): Promise<unknown> {
    const room = this.#room;
    if (!room || room.closed) throw new RostraError('server_busy', 'this node is no longer the home');
    switch (body.kind) {
      case 'audience':
        return room.handleAudience(actor, this.ctx.validateAudience(body.msg));
      case 'stage':
        return room.handleStage(actor, this.ctx.validateStage(body.msg));
      case 'open':
        return room.openBackstage(actor);
      case 'snapshot':
        return { snapshot: room.snapshot(), requests: room.requests() };
      case 'publish':
        return this.ctx.engine.publish(room, actor, body.offerSdp);
      case 'unpublish':
        return this.ctx.engine.unpublish(room, actor, body.sessionId);
    }
  }

  #presenceChanged(): void {
    if (this.#presenceTimer || this.#closed) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = null;
      this.#sendPresence();
    }, PRESENCE_COALESCE_MS);
    this.#presenceTimer.unref();
  }

  #sendPresence(): void {
    if (this.#closed || this.#role === 'ended') return;
    const report = toReport(++this.#presenceSeq, this.group.presence);
    if (this.#role === 'home') {
      this.#merger?.apply(this.ctx.self, report, this.ctx.clock.now());
      return;
    }
    const msg = encodeJson({ t: 'presence', node: this.ctx.self, ...report });
    this.ctx.bus.publish(topics.cmd(this.id), msg).catch(() => undefined);
  }
}

/** the actor of node-internal calls (snapshot fetch) */
const SYSTEM: Actor = { userId: null, handle: 'node', anonymous: true, admin: false };
