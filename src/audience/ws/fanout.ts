/**
 * AudienceFanout: one per Space per node. Takes the mixed stream's 20 ms Opus frames, batches
 * them (FrameBatcher), frames each batch ONCE with encodeAudioBatch and writes the same Buffer
 * to every attached listen socket. Bulletins are serialised once the same way.
 *
 * Costs: attach/detach O(1) (a Map); a batch costs one encode plus one `send` per socket.
 * A socket joining mid-stream gets the next batch that is flushed after it attached.
 *
 * Slow consumers (see docs/audience.md): before each write the socket's bufferedAmount is read.
 *   >= softLimitBytes            audio batch skipped for this socket (bulletins still go)
 *   >= softLimitBytes for slowGraceMs, or >= hardLimitBytes at once
 *                                -> detached, closed with `too_slow` (4408), terminated after
 *                                   closeGraceMs if the close handshake has not finished
 * So no socket holds more than ~hardLimitBytes in user space and none delays the others.
 *
 * Lifecycle: open -> close(). close() is idempotent, detaches every socket (closing them if
 * given a code) and makes every other method throw.
 */
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../../core/ports/clock.js';
import { RostraError } from '../../core/errors.js';
import { TypedEmitter } from '../../core/events.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { UserId } from '../../protocol/ids.js';
import { ERRORS } from '../../protocol/errors.js';
import {
  encodeAudioBatch,
  MAX_OPUS_PACKET_BYTES,
  type AudienceServerMessage,
  type AudioFrame,
} from '../../protocol/audience.js';
import { FrameBatcher } from './batcher.js';
import { WindowTuner } from './window-tuner.js';
import {
  FANOUT_DEFAULTS,
  type DropReason,
  type FanoutEvents,
  type FanoutOptions,
  type FanoutStats,
  type ListenerMeta,
} from './fanout-options.js';
import { WS_READY_STATE, type FanoutSocket } from './socket.js';

interface Entry<M> {
  meta: M;
  /** clock ms when the socket was first seen at/above the soft limit; -1 when below */
  slowSince: number;
}

const BINARY = { binary: true } as const;
const TEXT = { binary: false } as const;

export class AudienceFanout<M extends ListenerMeta = ListenerMeta> {
  /** 'drop' fires when the fan-out itself lets go of a socket (too slow, or found closed) */
  readonly events = new TypedEmitter<FanoutEvents<M>>();
  readonly #sockets = new Map<FanoutSocket, Entry<M>>();
  readonly #byUser = new Map<UserId, Set<FanoutSocket>>();
  readonly #batcher: FrameBatcher;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #soft: number;
  readonly #hard: number;
  readonly #graceMs: number;
  readonly #closeGraceMs: number;
  readonly #tuner: WindowTuner;
  readonly #stats: Omit<FanoutStats, 'sockets' | 'windowFrames' | 'passMs'> = {
    batches: 0,
    frames: 0,
    bulletins: 0,
    sends: 0,
    bytesSent: 0,
    skippedSends: 0,
    slowDrops: 0,
    reaped: 0,
  };
  #closed = false;

  constructor(options: FanoutOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#soft = options.softLimitBytes ?? FANOUT_DEFAULTS.softLimitBytes;
    this.#hard = options.hardLimitBytes ?? FANOUT_DEFAULTS.hardLimitBytes;
    this.#graceMs = options.slowGraceMs ?? FANOUT_DEFAULTS.slowGraceMs;
    this.#closeGraceMs = options.closeGraceMs ?? FANOUT_DEFAULTS.closeGraceMs;
    if (!(this.#soft > 0 && this.#hard > this.#soft)) {
      throw new RangeError('need 0 < softLimitBytes < hardLimitBytes');
    }
    this.#batcher = new FrameBatcher(this.#clock, (frames) => this.#sendBatch(frames), options);
    this.#tuner = new WindowTuner({
      minFrames: this.#batcher.windowFrames,
      maxFrames:
        options.maxWindowFrames ?? Math.max(FANOUT_DEFAULTS.maxWindowFrames, this.#batcher.windowFrames),
      busyFraction: options.busyFraction,
    });
  }

  get size(): number {
    return this.#sockets.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds a listen socket; it receives from the next batch on. Re-attaching replaces the meta. */
  attach(socket: FanoutSocket, meta: M): void {
    this.#assertOpen('attach');
    const old = this.#sockets.get(socket);
    if (old) this.#unindex(socket, old.meta);
    this.#sockets.set(socket, { meta, slowSince: -1 });
    if (meta.userId !== null) {
      let set = this.#byUser.get(meta.userId);
      if (!set) this.#byUser.set(meta.userId, (set = new Set()));
      set.add(socket);
    }
  }

  /** Removes a socket without closing it (the owner calls this on 'close'). False if unknown. */
  detach(socket: FanoutSocket): boolean {
    const entry = this.#sockets.get(socket);
    if (!entry) return false;
    this.#sockets.delete(socket);
    this.#unindex(socket, entry.meta);
    return true;
  }

  has(socket: FanoutSocket): boolean {
    return this.#sockets.has(socket);
  }

  metaOf(socket: FanoutSocket): M | undefined {
    return this.#sockets.get(socket)?.meta;
  }

  /** The sockets a signed-in user listens on (for per-user messages like 'role' or 'removed'). */
  socketsOf(userId: UserId): ReadonlySet<FanoutSocket> {
    return this.#byUser.get(userId) ?? new Set();
  }

  /** Takes one mixed frame (frames arrive in seq order, every ~20 ms). */
  push(frame: AudioFrame): void {
    this.#assertOpen('push');
    if (frame.opus.length === 0 || frame.opus.length > MAX_OPUS_PACKET_BYTES) {
      throw new RostraError('invalid_field', `opus packet of ${frame.opus.length} bytes`);
    }
    this.#batcher.push(frame);
  }

  /** Sends the frames held for the current batch now (e.g. before a bulletin that must follow them). */
  flush(): void {
    this.#assertOpen('flush');
    this.#batcher.flush();
  }

  /** Serialises `msg` once and writes it to every socket (slow ones too, up to the hard limit). */
  bulletin(msg: AudienceServerMessage): void {
    this.#assertOpen('bulletin');
    this.#stats.bulletins++;
    this.#writeAll(Buffer.from(JSON.stringify(msg)), false);
  }

  /** Writes one message to one attached socket; false if it is not attached or not open. */
  sendTo(socket: FanoutSocket, msg: AudienceServerMessage): boolean {
    this.#assertOpen('sendTo');
    const entry = this.#sockets.get(socket);
    if (!entry || socket.readyState !== WS_READY_STATE.open) return false;
    const data = Buffer.from(JSON.stringify(msg));
    this.#write(socket, data, TEXT);
    return true;
  }

  stats(): FanoutStats {
    return {
      sockets: this.#sockets.size,
      ...this.#stats,
      windowFrames: this.#batcher.windowFrames,
      passMs: this.#tuner.averagePassMs,
    };
  }

  /**
   * Stops the fan-out: held frames are dropped, every socket is detached, and closed with
   * `closing` when given (e.g. { code: 4410, reason: 'space_ended' }). Idempotent.
   */
  close(closing?: { code: number; reason: string }): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#batcher.clear();
    const sockets = [...this.#sockets.keys()];
    this.#sockets.clear();
    this.#byUser.clear();
    if (closing) for (const s of sockets) s.close(closing.code, closing.reason);
    this.events.removeAllListeners();
  }

  #sendBatch(frames: AudioFrame[]): void {
    const bytes = encodeAudioBatch(frames);
    this.#stats.batches++;
    this.#stats.frames += frames.length;
    const t0 = performance.now();
    this.#writeAll(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), true);
    const window = this.#batcher.windowFrames;
    const next = this.#tuner.next(window, performance.now() - t0);
    if (next !== window) {
      this.#log.info(
        { from: window, to: next, sockets: this.#sockets.size },
        'audience batch window changed',
      );
      this.#batcher.setWindowFrames(next);
    }
  }

  /** One pass over all sockets; deleting the current Map entry while iterating is safe. */
  #writeAll(data: Buffer, audio: boolean): void {
    const now = this.#clock.now();
    const options = audio ? BINARY : TEXT;
    for (const [socket, entry] of this.#sockets) {
      if (socket.readyState !== WS_READY_STATE.open) {
        this.#forget(socket, entry, 'closed');
        continue;
      }
      const buffered = socket.bufferedAmount;
      if (buffered >= this.#soft) {
        if (entry.slowSince < 0) entry.slowSince = now;
        if (buffered >= this.#hard || now - entry.slowSince >= this.#graceMs) {
          this.#dropSlow(socket, entry, buffered);
          continue;
        }
        if (audio) {
          this.#stats.skippedSends++;
          continue;
        }
      } else {
        entry.slowSince = -1;
      }
      this.#write(socket, data, options);
    }
  }

  #write(socket: FanoutSocket, data: Buffer, options: { binary: boolean }): void {
    try {
      socket.send(data, options);
      this.#stats.sends++;
      this.#stats.bytesSent += data.length;
    } catch (error) {
      // `ws` throws only when not open; treat it as gone
      this.#log.debug({ err: error }, 'audience socket send failed');
      const entry = this.#sockets.get(socket);
      if (entry) this.#forget(socket, entry, 'closed');
    }
  }

  #dropSlow(socket: FanoutSocket, entry: Entry<M>, buffered: number): void {
    this.#stats.slowDrops++;
    this.#log.info({ userId: entry.meta.userId, bufferedBytes: buffered }, 'listener too slow, dropped');
    this.#forget(socket, entry, 'too_slow');
    socket.close(ERRORS.too_slow.ws, 'too_slow');
    // the close frame waits behind the backlog; do not let the backlog live on for long
    this.#clock.setTimeout(() => {
      if (socket.readyState !== WS_READY_STATE.closed) socket.terminate();
    }, this.#closeGraceMs);
  }

  #forget(socket: FanoutSocket, entry: Entry<M>, reason: DropReason): void {
    this.#sockets.delete(socket);
    this.#unindex(socket, entry.meta);
    if (reason === 'closed') this.#stats.reaped++;
    this.events.safeEmit('drop', socket, entry.meta, reason);
  }

  #unindex(socket: FanoutSocket, meta: M): void {
    if (meta.userId === null) return;
    const set = this.#byUser.get(meta.userId);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.#byUser.delete(meta.userId);
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw new Error(`AudienceFanout.${method}: the fan-out is closed`);
  }
}
