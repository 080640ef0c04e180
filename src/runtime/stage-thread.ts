/**
 * The StagePlane the node uses by default: the whole stage (speakers' WebRTC, forwarding, the
 * mixers) runs on one worker thread (src/runtime/stage-worker.ts, which runs the in-process adapter
 * src/runtime/stage-adapter.ts), so the audience fan-out's long write loops on the main thread
 * cannot delay speaker-to-speaker forwarding. This main-thread side forwards calls as messages
 * and re-emits the worker's events.
 *
 * What the port needs synchronously is mirrored here: session owners (added when createSession
 * answers, removed when the worker reports the session closed, for any reason) and mixer stats
 * (refreshed with each levels report, ~5 per second per Space).
 *
 * Lifecycle: the worker starts at construction; `ready` resolves once it has loaded (about a
 * second from source under tsx on a busy machine: the node awaits it before taking Spaces, see
 * startThreadedStagePlane). If it dies unexpectedly, that is logged as an
 * error, pending calls fail with `stage_unavailable`, every session it held is reported closed
 * (publishing false), and a new worker is started with the open Spaces and their audible lists
 * replayed (speakers' clients re-publish as after any dropped session). More than
 * `maxRestarts` deaths within a minute: no more restarts, createSession fails with
 * `stage_unavailable`. close() ends every session and mixer, then terminates the thread;
 * idempotent.
 */
import type { Worker } from 'node:worker_threads';
import type { SpaceId, UserId } from '../protocol/ids.js';
import { isErrorCode } from '../protocol/errors.js';
import { RostraError } from '../core/errors.js';
import { TypedEmitter } from '../core/events.js';
import type { Logger } from '../core/log.js';
import { startModuleWorker } from '../core/worker-thread.js';
import type { IceOptions } from '../stage/index.js';
import type { StagePlane, StagePlaneEvents } from './stage-plane.js';
import type {
  FromStageWorker,
  LogLevel,
  StageCall,
  StageStats,
  StageWorkerData,
  ToStageWorker,
  WireError,
} from './stage-thread-messages.js';

export interface ThreadedStageOptions {
  log: Logger;
  ice?: IceOptions;
  /** the node's log level: the worker does not even post records below it (default 'info') */
  logLevel?: LogLevel;
  /** unexpected worker deaths within a minute that are followed by a restart (default 3) */
  maxRestarts?: number;
  /**
   * nice value of the stage thread (and the mixer threads it starts), -20..0; default -20, so a
   * speaker's packet is not kept waiting by the main thread's time slice (needs CAP_SYS_NICE;
   * without it the thread keeps the process's priority, and says so in the log)
   */
  nice?: number;
}

/** ms close() waits for the worker to end its sessions before terminating it anyway */
const CLOSE_TIMEOUT_MS = 5_000;
const RESTART_WINDOW_MS = 60_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** a Space this node has open, replayed into a restarted worker */
interface OpenSpace {
  timelineOrigin?: number;
  audible?: UserId[];
  speechTap?: boolean;
}

function rebuildError(e: WireError): Error {
  if (isErrorCode(e.code)) {
    return new RostraError(e.code, e.message, e.details === undefined ? undefined : { details: e.details });
  }
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

export class ThreadedStagePlane implements StagePlane {
  readonly events = new TypedEmitter<StagePlaneEvents>();
  readonly #o: Required<Omit<ThreadedStageOptions, 'ice'>> & { ice: IceOptions };
  #worker: Worker | null = null;
  #nextCallId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #owners = new Map<string, { spaceId: SpaceId; userId: UserId }>();
  /** speakers whose mic is up, so a dead worker's speakers can be reported down */
  readonly #publishing = new Map<string, { spaceId: SpaceId; userId: UserId }>();
  readonly #spaces = new Map<SpaceId, OpenSpace>();
  /** the live worker's counters, and those of workers that died (counters never go back) */
  #stats: StageStats = { frames: 0, lateTicks: 0 };
  readonly #retired: StageStats = { frames: 0, lateTicks: 0 };
  #deaths: number[] = [];
  #closing: Promise<void> | null = null;
  #onClosed: (() => void) | null = null;
  #readyResolve!: () => void;
  #readyReject!: (error: Error) => void;
  /** resolves when a worker has loaded and takes calls; rejects if none ever does */
  readonly ready = new Promise<void>((resolve, reject) => {
    this.#readyResolve = resolve;
    this.#readyReject = reject;
  });

  constructor(options: ThreadedStageOptions) {
    this.#o = {
      log: options.log,
      ice: options.ice ?? {},
      logLevel: options.logLevel ?? 'info',
      maxRestarts: options.maxRestarts ?? 3,
      nice: options.nice ?? -20,
    };
    this.ready.catch(() => {}); // a caller that never awaits it must not see an unhandled rejection
    this.#start();
  }

  /** the worker's thread id, or null while none runs */
  get threadId(): number | null {
    return this.#worker?.threadId ?? null;
  }

  #start(): void {
    const workerData: StageWorkerData = { ice: this.#o.ice, logLevel: this.#o.logLevel, nice: this.#o.nice };
    // Opus is loaded in this thread too (src/stage re-exports the mixer core): its native
    // addon segfaults when a worker thread exits, so the WebAssembly build is used here as well
    const env = { ...process.env, OPUS_FORCE_WASM: '1' };
    const worker = startModuleWorker(import.meta.url, './stage-worker', { workerData, env });
    this.#worker = worker;
    worker.on('message', (m: FromStageWorker) => this.#onMessage(m));
    worker.on('error', (err) => this.#o.log.error({ err }, 'stage worker crashed'));
    worker.on('exit', (code) => this.#onExit(worker, code));
  }

  #onMessage(m: FromStageWorker): void {
    switch (m.type) {
      case 'frame':
        this.events.safeEmit('frame', m.spaceId, { seq: m.seq, mixedAt: m.mixedAt, opus: m.opus });
        break;
      case 'levels':
        this.#stats = m.stats;
        this.events.safeEmit('levels', m.spaceId, m.levels);
        break;
      case 'stats':
        this.#stats = m.stats;
        break;
      case 'speech':
        this.events.safeEmit('speech', m.spaceId, m.endsAt, m.chunks);
        break;
      case 'publishing': {
        const key = `${m.spaceId} ${m.userId}`;
        if (m.up) this.#publishing.set(key, { spaceId: m.spaceId, userId: m.userId });
        else this.#publishing.delete(key);
        this.events.safeEmit('publishing', m.spaceId, m.userId, m.up);
        break;
      }
      case 'slots':
        this.events.safeEmit('slots', m.spaceId, m.userId, m.slots);
        break;
      case 'sessionClosed':
        this.#owners.delete(m.sessionId);
        this.events.safeEmit('sessionClosed', m.spaceId, m.userId, m.sessionId);
        break;
      case 'result': {
        const pending = this.#pending.get(m.id);
        if (!pending) break;
        this.#pending.delete(m.id);
        if (m.ok) pending.resolve(m.value);
        else pending.reject(rebuildError(m.error));
        break;
      }
      case 'log':
        this.#o.log[m.level](m.obj, m.msg);
        break;
      case 'ready':
        this.#readyResolve();
        break;
      case 'closed':
        this.#onClosed?.();
        break;
    }
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    this.#retired.frames += this.#stats.frames;
    this.#retired.lateTicks += this.#stats.lateTicks;
    this.#stats = { frames: 0, lateTicks: 0 };
    this.#failPending(this.#closing ? 'the stage is closed' : 'the stage worker stopped');
    if (this.#closing) {
      this.#owners.clear();
      this.#publishing.clear();
      this.#readyResolve(); // nobody should wait for a stage that is closed
      return;
    }
    // every WebRTC session lived in that thread: tell the rooms they are gone
    const owners = [...this.#owners];
    this.#owners.clear();
    const publishing = [...this.#publishing.values()];
    this.#publishing.clear();
    for (const { spaceId, userId } of publishing) this.events.safeEmit('publishing', spaceId, userId, false);
    for (const [sessionId, { spaceId, userId }] of owners)
      this.events.safeEmit('sessionClosed', spaceId, userId, sessionId);
    const now = Date.now();
    this.#deaths = [...this.#deaths.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const restart = this.#deaths.length <= this.#o.maxRestarts;
    this.#o.log.error(
      { exitCode: code, sessionsLost: owners.length, deathsInLastMinute: this.#deaths.length, restart },
      restart
        ? 'stage worker died: its speaker sessions ended; starting a new one'
        : 'stage worker died too often: not restarted, speakers cannot publish on this node',
    );
    if (!restart) {
      this.#readyReject(new RostraError('stage_unavailable', 'the stage worker did not stay up'));
      return;
    }
    this.#start();
    for (const [spaceId, space] of this.#spaces) {
      this.#post({
        type: 'openSpace',
        spaceId,
        ...(space.timelineOrigin !== undefined && { timelineOrigin: space.timelineOrigin }),
      });
      if (space.audible) this.#post({ type: 'setAudible', spaceId, userIds: space.audible });
      if (space.speechTap) this.#post({ type: 'setSpeechTap', spaceId, on: true });
    }
  }

  #failPending(message: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(new RostraError('stage_unavailable', message));
  }

  /** posts to the live worker; false when none runs (died, not restarted, or closed) */
  #post(m: ToStageWorker): boolean {
    if (!this.#worker || this.#closing) return false;
    this.#worker.postMessage(m);
    return true;
  }

  #call(c: StageCall): Promise<unknown> {
    const id = this.#nextCallId++;
    return new Promise((resolve, reject) => {
      if (!this.#post({ type: 'call', id, ...c })) {
        reject(new RostraError('stage_unavailable', this.#closing ? 'the stage is closed' : undefined));
        return;
      }
      this.#pending.set(id, { resolve, reject });
    });
  }

  async createSession(args: {
    spaceId: SpaceId;
    userId: UserId;
    offerSdp: string;
  }): Promise<{ sessionId: string; answerSdp: string }> {
    const answer = (await this.#call({ method: 'createSession', args })) as {
      sessionId: string;
      answerSdp: string;
    };
    // the worker opened the Space if it was not open (no timeline origin then)
    if (!this.#spaces.has(args.spaceId)) this.#spaces.set(args.spaceId, {});
    this.#owners.set(answer.sessionId, { spaceId: args.spaceId, userId: args.userId });
    return answer;
  }

  sessionOwner(sessionId: string): { spaceId: SpaceId; userId: UserId } | undefined {
    return this.#owners.get(sessionId);
  }

  async closeSession(sessionId: string): Promise<void> {
    await this.#call({ method: 'closeSession', args: { sessionId } });
    this.#owners.delete(sessionId);
  }

  closeUser(spaceId: SpaceId, userId: UserId): void {
    this.#post({ type: 'closeUser', spaceId, userId });
  }

  setAudible(spaceId: SpaceId, userIds: readonly UserId[]): void {
    const space = this.#spaces.get(spaceId) ?? {};
    space.audible = [...userIds];
    this.#spaces.set(spaceId, space);
    this.#post({ type: 'setAudible', spaceId, userIds: space.audible });
  }

  openSpace(spaceId: SpaceId, timelineOrigin?: number): void {
    if (!this.#spaces.has(spaceId)) {
      this.#spaces.set(spaceId, timelineOrigin === undefined ? {} : { timelineOrigin });
    }
    this.#post({ type: 'openSpace', spaceId, ...(timelineOrigin !== undefined && { timelineOrigin }) });
  }

  setSpeechTap(spaceId: SpaceId, on: boolean): void {
    const space = this.#spaces.get(spaceId);
    if (!space) return;
    space.speechTap = on;
    this.#post({ type: 'setSpeechTap', spaceId, on });
  }

  closeSpace(spaceId: SpaceId): void {
    this.#spaces.delete(spaceId);
    this.#post({ type: 'closeSpace', spaceId });
  }

  stats(): { frames: number; lateTicks: number } {
    return {
      frames: this.#retired.frames + this.#stats.frames,
      lateTicks: this.#retired.lateTicks + this.#stats.lateTicks,
    };
  }

  /** Ends the worker the way a crash would (tests of the recovery path). */
  async simulateCrash(): Promise<void> {
    await this.#worker?.terminate();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const worker = this.#worker;
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
      worker.postMessage({ type: 'close' } satisfies ToStageWorker);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
      await Promise.race([closed, exited, timeout]);
      clearTimeout(timer);
      await worker.terminate();
      await exited;
      this.#spaces.clear();
    })();
    return this.#closing;
  }
}

/** Starts the stage thread and resolves once it takes calls. */
export async function startThreadedStagePlane(options: ThreadedStageOptions): Promise<StagePlane> {
  const plane = new ThreadedStagePlane(options);
  await plane.ready;
  return plane;
}
