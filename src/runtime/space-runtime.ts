/**
 * One Space on this node: its room actor wired to the audience fan-out, the stage sockets and
 * the stage plane. Room events become bulletins (framed once for all listeners) and stage
 * messages; mixed frames go to the fan-out. Lifecycle: created when the room loads, closed
 * when the Space ends or the node stops.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { UserId } from '../protocol/ids.js';
import { ERRORS } from '../protocol/errors.js';
import { Role, SpaceState } from '../protocol/space.js';
import type { StageServerMessage } from '../protocol/stage.js';
import type { AudienceServerMessage } from '../protocol/audience.js';
import type { Room, Actor } from '../core/space/index.js';
import type { Logger } from '../core/log.js';
import { AudienceFanout } from '../audience/ws/index.js';
import type { CaptionEngine } from '../core/ports/captions.js';
import { LiveCaptions } from '../captions/index.js';
import type { FrameSink, SinkFactory, StagePlane } from './stage-plane.js';

/** ms between two `levels` messages (the mixer reports more often) */
const LEVELS_INTERVAL_MS = 200;
/** the SinkFactory name of the recorder (src/runtime/tiers/recorder.ts), switched by set_recording */
const RECORDER = 'recorder';
/** ms the ended notice gets to reach clients before their sockets are closed */
const ENDED_CLOSE_DELAY_MS = 1_000;

export class SpaceRuntime {
  readonly fanout: AudienceFanout;
  readonly #stageSockets = new Map<WebSocket, Actor>();
  /** listen sockets counted in the room, with whose they are, until their leave is counted */
  readonly #counted = new WeakMap<object, Actor>();
  /** other consumers of the mixed stream, by factory name (hls, ogg, recorder) */
  readonly sinks = new Map<string, FrameSink>();
  #lastLevelsAt = 0;
  #closed = false;
  /** live captions, when this node has an engine (docs/captions.md) */
  readonly captions: LiveCaptions | null;

  constructor(
    readonly room: Room,
    private readonly stage: StagePlane,
    private readonly log: Logger,
    batchFrames: number,
    private readonly onClosed: () => void,
    private readonly sinkFactories: readonly SinkFactory[] = [],
    captionEngine?: CaptionEngine,
  ) {
    const info = room.snapshot().space;
    for (const factory of sinkFactories) {
      const sink = factory.create({ id: room.id, recording: info.recording });
      if (sink) this.sinks.set(factory.name, sink);
    }
    this.fanout = new AudienceFanout({ windowFrames: batchFrames, logger: log });
    this.fanout.events.on('drop', (socket) => this.#leave(socket));
    const ev = room.events;
    ev.on('snapshot', (snapshot) => this.#everyone({ type: 'snapshot', snapshot }));
    ev.on('counts', (counts) => this.#everyone({ type: 'counts', counts }));
    ev.on('reactions', (batch) =>
      this.#everyone({ type: 'reactions', windowMs: batch.windowMs, counts: batch.counts }),
    );
    ev.on('questions', (questions) => this.#everyone({ type: 'questions', questions }));
    ev.on('requests', (requests) => {
      for (const [ws, actor] of this.#stageSockets)
        if (this.#moderates(actor)) send(ws, { type: 'requests', requests });
    });
    ev.on('notify', (userId, notice) => {
      for (const s of this.fanout.socketsOf(userId)) this.fanout.sendTo(s, notice);
      if (notice.type === 'role') {
        for (const [ws, actor] of this.#stageSockets) if (actor.userId === userId) send(ws, notice);
      }
      if (notice.type === 'role' && notice.role === Role.listener) this.#offStage(userId);
    });
    ev.on('kicked', (userId, reason) => this.#kick(userId, reason));
    ev.on('mix', (audible) => stage.setAudible(room.id, audible));
    ev.on('recording', (on) => this.#switchRecording(on));
    ev.on('ended', (reason) => this.#end(reason));
    // seq 0 = the Space's creation: a new home (failover, restart) continues the numbering
    stage.openSpace(room.id, info.createdAt);
    stage.setAudible(room.id, room.mixList());
    this.captions = captionEngine
      ? new LiveCaptions({
          engine: captionEngine,
          log,
          onBatch: (captions) => {
            this.#everyone({ type: 'captions', captions });
            for (const sink of this.sinks.values()) sink.captions?.(captions);
          },
        })
      : null;
    if (this.captions) {
      ev.on('captions', (on) => this.#switchCaptions(on));
      this.#switchCaptions(room.snapshot().captions);
    }
  }

  /** the mixer's speech tap: each speaker's 16 kHz audio (only while captions are on) */
  speech(endsAt: number, chunks: readonly { id: string; pcm: Int16Array }[]): void {
    if (!this.#closed) this.captions?.push(endsAt, chunks);
  }

  #switchCaptions(on: boolean): void {
    if (this.#closed || !this.captions) return;
    this.captions.switch(on);
    this.stage.setSpeechTap(this.room.id, on);
  }

  get stageSocketCount(): number {
    return this.#stageSockets.size;
  }

  attachListener(ws: WebSocket, actor: Actor, tcp: Socket | null): () => void {
    this.fanout.attach(ws, { userId: actor.userId }, tcp);
    this.#counted.set(ws, actor);
    this.room.listenerJoined(actor);
    const handRaised = actor.userId !== null && this.room.requests().some((r) => r.userId === actor.userId);
    this.fanout.sendTo(ws, {
      type: 'welcome',
      snapshot: this.room.snapshot(),
      you: {
        userId: actor.userId,
        role: actor.userId ? this.room.roleOf(actor.userId) : Role.listener,
        handRaised,
      },
    });
    return () => {
      if (!this.#closed) this.fanout.detach(ws);
      this.#leave(ws);
    };
  }

  attachStage(ws: WebSocket, actor: Actor): () => void {
    const userId = actor.userId as UserId;
    this.#stageSockets.set(ws, actor);
    this.room.stagePresence(userId, true);
    send(ws, {
      type: 'welcome',
      you: { userId, role: this.room.roleOf(userId) },
      snapshot: this.room.snapshot(),
      requests: this.#moderates(actor) ? this.room.requests() : [],
    });
    return () => {
      if (!this.#stageSockets.delete(ws)) return;
      const stillHere = [...this.#stageSockets.values()].some((a) => a.userId === userId);
      if (!stillHere && !this.room.closed) this.room.stagePresence(userId, false);
    };
  }

  /**
   * a mixed frame from the stage plane. Only a LIVE Space's mix leaves the stage: backstage
   * (the private mic check) reaches no listener on any tier and not the recording; a listener
   * who came early waits, hearing nothing, until the Space goes live (docs/security.md)
   */
  frame(frame: Parameters<AudienceFanout['push']>[0]): void {
    if (this.#closed || this.room.state !== SpaceState.live) return;
    this.fanout.push(frame);
    for (const [name, sink] of this.sinks) {
      try {
        sink.push(frame);
      } catch (err) {
        this.log.error({ err, sink: name }, 'a stream sink failed on a frame');
      }
    }
  }

  levels(levels: Record<string, number>, now: number): void {
    if (this.#closed) return;
    // who spoke backstage is not part of the recording's timeline either
    if (this.room.state === SpaceState.live)
      for (const sink of this.sinks.values()) sink.levels?.(levels, now);
    if (now - this.#lastLevelsAt < LEVELS_INTERVAL_MS) return;
    this.#lastLevelsAt = now;
    this.#everyone({ type: 'levels', levels });
  }

  slots(userId: UserId, slots: Record<string, UserId>): void {
    for (const [ws, actor] of this.#stageSockets)
      if (actor.userId === userId) send(ws, { type: 'slots', slots });
  }

  close(code: number = ERRORS.space_ended.ws, reason = 'space_ended'): void {
    if (this.#closed) return;
    void this.captions?.close();
    this.#closed = true;
    this.stage.closeSpace(this.room.id);
    this.fanout.close({ code, reason });
    for (const sink of this.sinks.values()) sink.close();
    for (const ws of this.#stageSockets.keys()) ws.close(code, reason);
    this.#stageSockets.clear();
    this.onClosed();
  }

  #moderates(actor: Actor): boolean {
    if (actor.admin) return true;
    if (!actor.userId) return false;
    const role = this.room.roleOf(actor.userId);
    return role === Role.host || role === Role.cohost;
  }

  #everyone(msg: AudienceServerMessage & StageServerMessage): void {
    if (this.#closed) return;
    this.fanout.bulletin(msg);
    for (const ws of this.#stageSockets.keys()) send(ws, msg);
  }

  /**
   * A listen socket left: its close, or the fan-out letting go of it first (found closing, too
   * slow). Either way it is counted once, as the person it was attached for: a signed-in
   * listener dropped by the fan-out must not be counted as an anonymous one leaving.
   */
  #leave(socket: object): void {
    const actor = this.#counted.get(socket);
    if (!actor) return;
    this.#counted.delete(socket);
    if (this.room.closed) return;
    this.room.listenerLeft(actor);
  }

  #offStage(userId: UserId): void {
    this.stage.closeUser(this.room.id, userId);
    for (const [ws, actor] of this.#stageSockets)
      if (actor.userId === userId) ws.close(1000, 'moved_to_audience');
  }

  #kick(userId: UserId, reason: 'removed' | 'banned'): void {
    this.stage.closeUser(this.room.id, userId);
    const code = ERRORS[reason === 'banned' ? 'banned' : 'forbidden'].ws;
    const notice = { type: 'removed', reason } as const;
    for (const s of [...this.fanout.socketsOf(userId)]) {
      this.fanout.sendTo(s, notice);
      s.close(code, reason);
    }
    for (const [ws, actor] of this.#stageSockets) {
      if (actor.userId !== userId) continue;
      send(ws, notice);
      ws.close(code, reason);
    }
  }

  /**
   * set_recording: on creates the recorder through its factory (it appends to the Space's
   * one log, so the time it was off becomes a marked gap in the replay); off ends it (log
   * synced and closed, status finished: what was recorded stays replayable). Nodes without
   * a recorder factory (cluster edges) do nothing: the home records.
   */
  #switchRecording(on: boolean): void {
    if (this.#closed) return;
    const factory = this.sinkFactories.find((f) => f.name === RECORDER);
    const current = this.sinks.get(RECORDER);
    if (on && !current && factory) {
      const sink = factory.create({ id: this.room.id, recording: true });
      if (sink) this.sinks.set(RECORDER, sink);
      this.log.info({ recorder: sink !== null }, 'recording switched on');
    } else if (!on && current) {
      this.sinks.delete(RECORDER);
      try {
        current.end();
      } catch (err) {
        this.log.error({ err }, 'the recorder failed to end');
      }
      this.log.info({}, 'recording switched off');
    }
  }

  #end(reason: string): void {
    if (this.#closed) return;
    this.fanout.flush();
    for (const sink of this.sinks.values()) sink.end();
    this.#everyone({ type: 'ended', reason });
    this.stage.closeSpace(this.room.id);
    setTimeout(() => this.close(), ENDED_CLOSE_DELAY_MS).unref();
  }
}

function send(ws: WebSocket, msg: StageServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}
