/**
 * Messages between the main thread (src/runtime/stage-thread.ts, the StagePlane proxy) and the stage
 * worker (src/runtime/stage-worker.ts). Everything is structured-cloned except audio frames, whose
 * Opus bytes are transferred.
 */
import type { SpaceId, UserId } from '../protocol/ids.js';
import type { IceOptions } from '../stage/index.js';

/** log levels the worker forwards (pino's names) */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface StageWorkerData {
  ice: IceOptions;
  /** records below this level are not sent to the main thread at all */
  logLevel: LogLevel;
  /** nice value the thread sets for itself (-20..0; 0 leaves it as the process) */
  nice: number;
}

/** an error thrown in the worker, as it crosses the thread; a `code` makes it a RostraError again */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  details?: unknown;
}

export type StageCall =
  | { method: 'createSession'; args: { spaceId: SpaceId; userId: UserId; offerSdp: string } }
  | { method: 'closeSession'; args: { sessionId: string } };

export type ToStageWorker =
  | ({ type: 'call'; id: number } & StageCall)
  | { type: 'closeUser'; spaceId: SpaceId; userId: UserId }
  | { type: 'setAudible'; spaceId: SpaceId; userIds: UserId[] }
  | { type: 'openSpace'; spaceId: SpaceId; timelineOrigin?: number }
  | { type: 'closeSpace'; spaceId: SpaceId }
  | { type: 'setSpeechTap'; spaceId: SpaceId; on: boolean }
  /** end every session, stop the mixers, answer `closed` */
  | { type: 'close' };

export interface StageStats {
  frames: number;
  lateTicks: number;
}

export type FromStageWorker =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError }
  | { type: 'frame'; spaceId: SpaceId; seq: number; mixedAt: number; opus: Uint8Array }
  | { type: 'levels'; spaceId: SpaceId; levels: Record<string, number>; stats: StageStats }
  | { type: 'stats'; stats: StageStats }
  | { type: 'speech'; spaceId: SpaceId; endsAt: number; chunks: { id: string; pcm: Int16Array }[] }
  | { type: 'publishing'; spaceId: SpaceId; userId: UserId; up: boolean }
  | { type: 'slots'; spaceId: SpaceId; userId: UserId; slots: Record<string, UserId> }
  | { type: 'sessionClosed'; spaceId: SpaceId; userId: UserId; sessionId: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg?: string }
  /** the worker has loaded the stage and takes calls */
  | { type: 'ready' }
  | { type: 'closed' };
