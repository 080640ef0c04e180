/** Options, defaults, stats and events of AudienceFanout (fanout.ts). */
import type { Clock } from '../../core/ports/clock.js';
import type { Logger } from '../../core/log.js';
import type { UserId } from '../../protocol/ids.js';
import type { LanesOptions } from './lanes.js';
import type { FanoutSocket } from './socket.js';

/** What the fan-out remembers about a listener; the control layer may extend it. */
export interface ListenerMeta {
  userId: UserId | null;
}

export interface FanoutOptions extends LanesOptions {
  clock?: Clock;
  logger?: Logger;
  /** bufferedAmount at which audio batches are skipped for a socket, bytes; default 32 KiB */
  softLimitBytes?: number;
  /** bufferedAmount at which a socket is dropped at once, bytes; default 256 KiB */
  hardLimitBytes?: number;
  /** how long a socket may stay at/above the soft limit before it is dropped, ms; default 5000 */
  slowGraceMs?: number;
  /** how long a dropped socket gets to finish its close handshake before terminate(), ms; default 2000 */
  closeGraceMs?: number;
  /** widest batch window under load, frames; default 20 (400 ms); = windowFrames turns tuning off */
  maxWindowFrames?: number;
  /** share of the window one write pass may take before the window widens; default 0.5 */
  busyFraction?: number;
  /** event loop utilisation (all work of the process's main thread) above which the window widens; default 0.85 */
  loopBusyFraction?: number;
}

export const FANOUT_DEFAULTS = {
  softLimitBytes: 32 * 1024,
  hardLimitBytes: 256 * 1024,
  slowGraceMs: 5_000,
  closeGraceMs: 2_000,
  maxWindowFrames: 20,
} as const;

export interface FanoutStats {
  /** sockets attached now */
  sockets: number;
  /** batches framed (each once, whatever the number of sockets) */
  batches: number;
  /** frames carried by those batches */
  frames: number;
  /** bulletins serialised */
  bulletins: number;
  /** socket writes (batches + bulletins + direct messages) */
  sends: number;
  /** bytes handed to sockets, summed over sockets */
  bytesSent: number;
  /** audio batches not written because the socket was above the soft limit */
  skippedSends: number;
  /** sockets closed with too_slow */
  slowDrops: number;
  /** sockets found closed during a write and forgotten (the owner forgot to detach) */
  reaped: number;
  /** frames per batch now (widens under load, see window-tuner.ts) */
  windowFrames: number;
  /** moving average of one audio write pass over all sockets, ms */
  passMs: number;
}

export type DropReason = 'too_slow' | 'closed';
export type FanoutEvents<M> = { drop: [socket: FanoutSocket, meta: M, reason: DropReason] };
