/**
 * The room actor: one per Space on its home node. It holds the live stage, raised hands,
 * invites, counters and reactions, enforces the permission matrix, and owns the ONE
 * lifecycle transition function. Transport-free: the stage/audience layers feed it
 * authenticated `Actor`s and relay its events.
 *
 * Lifecycle: `Room.load` (refuses ended Spaces) -> commands ... -> Space ends (`ended` event;
 * every command then throws space_ended) -> `close()` (idempotent; cancels timers, drops
 * listeners; any method afterwards throws).
 */
import type { SpaceId, UserId } from '../../protocol/ids.js';
import type { AudienceClientMessage } from '../../protocol/audience.js';
import type { StageClientMessage } from '../../protocol/stage.js';
import type { Role, SpaceInfo, SpaceSnapshot, SpaceState, SpeakRequest } from '../../protocol/space.js';
import type { Clock } from '../ports/clock.js';
import type { SpacePatch, Store } from '../ports/store.js';
import { RostraError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import { silentLogger, type Logger } from '../log.js';
import type { Actor } from './actor.js';
export type { Actor } from './actor.js';
import { AudienceCounter } from './audience-counter.js';
import { authorize } from './authorize.js';
import type { RoomContext } from './commands.js';
import { dispatchAudience, dispatchStage } from './dispatch.js';
import { LeaderTracker } from './leader.js';
import { assertTransition } from './lifecycle.js';
import { ReactionWindow } from './reaction-window.js';
import { QuestionBook, type QuestionBookInit } from './question-book.js';
import { ListenerList, type ListenerQuery } from './listener-list.js';
import type { ListenerPage } from '../../protocol/api.js';
import { DEFAULT_ROOM_CONFIG, type RoomConfig, type RoomDeps, type RoomEvents } from './room-events.js';
export type { RoomDeps } from './room-events.js';
import { restoreRoom, type RestoreResult } from './room-restore.js';
import { StageAnnouncer } from './stage-announcer.js';
import { StageRoster } from './stage-roster.js';
import { UnattendedTimer } from './unattended.js';

export class Room {
  readonly id: SpaceId;
  readonly events = new TypedEmitter<RoomEvents>();
  /** live captions wanted by the host (not persisted: a new home starts with them on) */
  #captions = true;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #config: RoomConfig;
  #info: SpaceInfo;
  readonly #roster: StageRoster;
  readonly #requests = new Map<UserId, SpeakRequest>();
  readonly #invites = new Set<UserId>();
  readonly #banned = new Set<UserId>();
  readonly #audience: AudienceCounter;
  readonly #reactions: ReactionWindow;
  readonly #questions: QuestionBook;
  readonly #leader: LeaderTracker;
  readonly #unattended: UnattendedTimer;
  readonly #announce: StageAnnouncer;
  readonly #ctx: RoomContext;
  readonly #listeners: ListenerList;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** loads the Space from the store; throws space_not_found or space_ended */
  static async load(deps: RoomDeps): Promise<Room> {
    const info = await deps.store.getSpace(deps.spaceId);
    if (!info) throw new RostraError('space_not_found');
    if (info.state === 'ended') throw new RostraError('space_ended');
    const [host, questions, settings, bans] = await Promise.all([
      deps.store.getAccount(info.hostId),
      deps.store.listQuestions(deps.spaceId),
      deps.store.getQuestionSettings(deps.spaceId),
      deps.store.listQuestionBans(deps.spaceId),
    ]);
    const qa: QuestionBookInit = {
      questions: questions.map(({ spaceId: _, ...q }) => q),
      settings,
      banned: bans.map((b) => b.userId),
    };
    return new Room(deps, info, host?.handle ?? info.hostId, qa);
  }

  private constructor(deps: RoomDeps, info: SpaceInfo, hostHandle: string, qa: QuestionBookInit) {
    this.id = deps.spaceId;
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#log = (deps.log ?? silentLogger).child({ spaceId: deps.spaceId });
    this.#config = { ...DEFAULT_ROOM_CONFIG, ...deps.config };
    this.#info = info;
    this.#roster = new StageRoster({ userId: info.hostId, handle: hostHandle });
    this.#audience = new AudienceCounter(this.#clock, this.#config.countsWindowMs, (c) =>
      this.events.safeEmit('counts', c),
    );
    this.#reactions = new ReactionWindow(this.#clock, this.#config.reactionWindowMs, (b) =>
      this.events.safeEmit('reactions', b),
    );
    this.#questions = new QuestionBook(
      this.#clock,
      this.#config.questionsBulletinMs,
      (board) => this.events.safeEmit('questions', board),
      qa,
    );
    this.#leader = new LeaderTracker(this.#clock, this.#config.hostGraceMs, this.#roster, () =>
      this.#leaderMaybeChanged(),
    );
    this.#unattended = new UnattendedTimer(this.#clock, this.#config.unattendedEndMs, () => {
      void this.#serial(() => this.#endIfUnattended()).catch((err: unknown) =>
        this.#log.warn({ err }, 'could not end the unattended Space'),
      );
    });
    this.#announce = new StageAnnouncer(
      this.events,
      this.#roster,
      () => this.#leader.leaderId(),
      () => this.snapshot(),
    );
    this.events.onListenerError = (error, event) =>
      this.#log.error({ err: error, event }, 'room event listener threw');
    this.#ctx = this.#context();
    this.#checkAttended(); // a room loaded live with nobody connected (a failover) counts too
    this.#listeners = new ListenerList({
      ids: () => this.#audience.presentIds(),
      sizes: () => this.#audience.presentSizes(),
      handleOf: async (id) => (await this.#store.getAccount(id))?.handle ?? null,
    });
  }

  get state(): SpaceState {
    return this.#info.state;
  }

  get closed(): boolean {
    return this.#closed;
  }

  snapshot(): SpaceSnapshot {
    this.#open();
    return {
      space: { ...this.#info },
      stage: this.#roster.list(),
      counts: this.#audience.counts(),
      leaderId: this.#leader.leaderId(),
      captions: this.#captions,
      questions: this.#questions.board(),
    };
  }

  /** every question, most votes first, hidden ones included (moderators' queue, replay) */
  questions(): ReturnType<QuestionBook['list']> {
    this.#open();
    return this.#questions.list();
  }

  /** raised hands, oldest first */
  requests(): SpeakRequest[] {
    this.#open();
    return [...this.#requests.values()].map((r) => ({ ...r }));
  }

  roleOf(userId: UserId): Role {
    this.#open();
    return this.#roster.roleOf(userId);
  }

  /** who the mixer should include right now */
  mixList(): UserId[] {
    this.#open();
    return this.#roster.mixList();
  }

  /** may this person enter (listen or connect to the stage)? throws space_ended/anonymous_not_allowed/banned */
  async admit(actor: Actor): Promise<void> {
    this.#open();
    if (this.#info.state === 'ended') throw new RostraError('space_ended');
    if (actor.userId === null || actor.anonymous) {
      if (!this.#info.allowAnonymous) throw new RostraError('anonymous_not_allowed');
      return;
    }
    if (this.#banned.has(actor.userId) || (await this.#store.isBanned(this.id, actor.userId))) {
      this.#banned.add(actor.userId);
      throw new RostraError('banned');
    }
  }

  /** every command of the stage WebSocket; throws RostraError on refusal (nothing changed) */
  handleStage(actor: Actor, msg: StageClientMessage): Promise<void> {
    return this.#serial(() => dispatchStage(this.#ctx, actor, msg, this.#authorize));
  }

  /** react, raise/lower hand, accept/decline invite; throws RostraError on refusal */
  handleAudience(actor: Actor, msg: AudienceClientMessage): Promise<void> {
    return this.#serial(() => dispatchAudience(this.#ctx, actor, msg, this.#authorize));
  }

  /**
   * Puts back the stage and raised hands a previous home announced, in a freshly loaded room
   * (failover): no per-person notices, one snapshot. Refuses bad input with a catalog code and
   * changes nothing (room-restore.ts).
   */
  restore(input: unknown): Promise<RestoreResult> {
    return this.#serial(() => restoreRoom(this.#ctx, input));
  }

  /**
   * One page of the signed-in people listening now, for hosts, co-hosts and admins
   * (listener-list.ts: read from the presence map, nothing added per join). Not serialised
   * with commands: it changes nothing.
   */
  async listeners(actor: Actor, query: ListenerQuery): Promise<ListenerPage> {
    this.#open();
    this.#authorize('list_listeners', actor);
    return this.#listeners.page(query);
  }

  /** scheduled -> backstage (host or admin; usually via HTTP) */
  openBackstage(actor: Actor): Promise<void> {
    return this.#serial(async () => {
      this.#authorize('open_backstage', actor);
      await this.#transition('backstage', 'open_backstage');
    });
  }

  /**
   * a listening connection opened: O(1), counters only. `counted`: a listener the previous
   * home already counted in `totalJoined` (reported again after a failover)
   */
  listenerJoined(actor: Actor, counted = false): void {
    this.#open();
    if (this.#info.state === 'ended') return; // nothing moves after the end
    this.#audience.joined(actor.anonymous ? null : actor.userId, counted);
  }

  /** after a failover: `totalJoined` continues from what the previous home announced */
  carryTotalJoined(totalJoined: number): void {
    this.#open();
    if (this.#info.state === 'ended') return;
    this.#audience.carryTotal(totalJoined);
  }

  /** a listening connection closed: O(1), counters only */
  listenerLeft(actor: Actor): void {
    this.#open();
    if (this.#info.state === 'ended') return; // nothing moves after the end
    this.#audience.left(actor.anonymous ? null : actor.userId);
  }

  /** a stage WebSocket of `userId` opened/closed: drives host grace and the leader */
  stagePresence(userId: UserId, connected: boolean): void {
    this.#open();
    if (this.#info.state === 'ended') return; // nothing moves after the end
    this.#leader.presence(userId, connected);
    this.#leaderMaybeChanged();
    this.#checkAttended();
  }

  /** a WebRTC publish session of `userId` came up/went down (StageMember.connected) */
  publishing(userId: UserId, connected: boolean): void {
    this.#open();
    if (this.#info.state === 'ended') return; // nothing moves after the end
    if (this.#roster.setConnected(userId, connected)) this.#announce.stageChanged();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTimers();
    this.events.removeAllListeners();
  }

  readonly #authorize = (action: Parameters<typeof authorize>[0], actor: Actor, target?: UserId): Role =>
    authorize(action, actor, this.#info.state, (id) => this.#roster.roleOf(id), target);

  /** THE lifecycle transition: checks the edge, compare-and-sets the store, logs, emits */
  async #transition(to: SpaceState, reason: string): Promise<void> {
    const from = this.#info.state;
    assertTransition(from, to);
    const patch: SpacePatch = { state: to };
    if (to === 'live') patch.startedAt = this.#clock.now();
    if (to === 'ended') patch.endedAt = this.#clock.now();
    const updated = await this.#store.updateSpace(this.id, patch, from);
    if (!updated) {
      // someone else (another node, an admin tool) moved the Space: adopt the stored truth
      const fresh = await this.#store.getSpace(this.id);
      if (fresh && fresh.state !== from) this.#adopt(fresh);
      throw new RostraError('invalid_transition', `the Space is no longer ${from}`);
    }
    this.#info = updated;
    this.#log.info({ from, to, reason }, `${from} -> ${to}`);
    this.events.safeEmit('state', from, to);
    if (to === 'ended') this.#ended(reason);
    else this.#announce.stageChanged();
  }

  #adopt(fresh: SpaceInfo): void {
    const from = this.#info.state;
    this.#info = fresh;
    this.#log.warn({ from, to: fresh.state }, `${from} -> ${fresh.state} (changed elsewhere)`);
    this.events.safeEmit('state', from, fresh.state);
    if (fresh.state === 'ended') this.#ended('ended elsewhere');
  }

  #ended(reason: string): void {
    this.#stopTimers();
    this.#requests.clear();
    this.#invites.clear();
    this.#announce.ended();
    this.events.safeEmit('snapshot', this.snapshot());
    this.events.safeEmit('ended', reason);
  }

  #stopTimers(): void {
    this.#audience.close();
    this.#reactions.close();
    this.#questions.close();
    this.#leader.close();
    this.#unattended.close();
  }

  /** live with nobody on stage connected: the countdown of UnattendedTimer runs */
  #isUnattended(): boolean {
    return this.#info.state === 'live' && !this.#roster.list().some((m) => this.#leader.isPresent(m.userId));
  }

  #checkAttended(): void {
    if (!this.#closed) this.#unattended.update(this.#isUnattended());
  }

  async #endIfUnattended(): Promise<void> {
    if (!this.#isUnattended()) return; // someone came back meanwhile
    await this.#transition('ended', 'unattended');
  }

  #leaderMaybeChanged(): void {
    if (!this.#closed) this.#announce.leaderMaybeChanged();
  }

  #serial<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closedError());
    const run = this.#queue
      .then(() => {
        this.#open();
        return fn();
      })
      .finally(() => this.#checkAttended()); // a command may have changed the stage or state
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #open(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): RostraError {
    return new RostraError('internal', `room ${this.id} is closed`);
  }

  #context(): RoomContext {
    return {
      spaceId: this.id,
      store: this.#store,
      roster: this.#roster,
      requests: this.#requests,
      invites: this.#invites,
      maxPendingRequests: this.#config.maxPendingRequests,
      questions: this.#questions,
      now: () => this.#clock.now(),
      state: () => this.#info.state,
      isPresent: (id) => this.#audience.isPresent(id) || this.#leader.isPresent(id),
      transition: (to, reason) => this.#transition(to, reason),
      persistHost: async (hostId) => {
        const updated = await this.#store.updateSpace(this.id, { hostId }, this.#info.state);
        if (!updated) throw new RostraError('invalid_transition', 'the Space changed meanwhile');
        this.#info = updated;
      },
      recording: () => this.#info.recording,
      persistRecording: async (on) => {
        const updated = await this.#store.updateSpace(this.id, { recording: on }, this.#info.state);
        if (!updated) throw new RostraError('invalid_transition', 'the Space changed meanwhile');
        this.#info = updated;
        this.#log.info({ recording: on }, `recording ${on ? 'on' : 'off'}`);
        this.events.safeEmit('snapshot', this.snapshot());
        this.events.safeEmit('recording', on);
      },
      switchCaptions: (on) => {
        if (this.#captions === on) return;
        this.#captions = on;
        this.#log.info({ captions: on }, `captions ${on ? 'on' : 'off'}`);
        this.events.safeEmit('snapshot', this.snapshot());
        this.events.safeEmit('captions', on);
      },
      hostMoved: () => this.#leader.hostChanged(),
      react: (emoji) => this.#reactions.add(emoji),
      notify: (id, notice) => this.events.safeEmit('notify', id, notice),
      kick: (id, reason) => {
        if (reason === 'banned') this.#banned.add(id);
        this.events.safeEmit('kicked', id, reason);
      },
      stageChanged: () => this.#announce.stageChanged(),
      requestsChanged: () => this.events.safeEmit('requests', this.requests()),
    };
  }
}
