/**
 * AudienceFanout: one per Space per node. Takes the mixed stream's 20 ms Opus frames and writes
 * them to every attached listen socket in batches of `windowFrames` frames. Sockets are spread
 * over lanes that take turns, one lane per frame tick (lanes.ts), so each tick writes to
 * 1/windowFrames of the sockets; each lane's batch is framed ONCE (encodeAudioBatch plus the
 * WebSocket frame header) and the same Buffer is written to every socket of the lane, straight
 * to its TCP socket when the accepting code registered it (bindRawSocket), else through `ws`.
 * Bulletins (counts, reactions, levels, snapshots) are framed once and ride with each lane's
 * next batch in the same write; `sendTo` (one socket) is written at once.
 *
 * Costs: attach/detach O(lanes); per tick one encode plus one write per socket of one lane.
 * Under load the window widens (WindowTuner) so there are fewer writes per listener-second.
 *
 * Slow consumers (see docs/audience.md): before each write the socket's bufferedAmount is read.
 *   >= softLimitBytes            audio batch skipped for this socket (bulletins still go)
 *   >= softLimitBytes for slowGraceMs, or >= hardLimitBytes at once
 *                                -> detached, closed with `too_slow` (4408), terminated after
 *                                   closeGraceMs if the close handshake has not finished
 * So no socket holds more than ~hardLimitBytes in user space and none delays the others.
 *
 * Lifecycle: open -> close(). close() is idempotent, sends what the lanes still hold, detaches
 * every socket (closing them if given a code) and makes every other method throw.
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
import { FrameLanes } from './lanes.js';
import { WindowTuner } from './window-tuner.js';
import {
  FANOUT_DEFAULTS,
  type DropReason,
  type FanoutEvents,
  type FanoutOptions,
  type FanoutStats,
  type ListenerMeta,
} from './fanout-options.js';
import type { Socket } from 'node:net';
import { WS_READY_STATE, frameWebSocketMessage, type FanoutSocket } from './socket.js';

interface Entry<M> {
  meta: M;
  /** clock ms when the socket was first seen at/above the soft limit; -1 when below */
  slowSince: number;
  /** the TCP socket under the WebSocket, if given: audio goes to it as ready-made frames */
  tcp: Socket | null;
}

/** a bulletin as JSON text, and framed once as a WebSocket text message */
interface Bulletin {
  json: Buffer;
  framed: Buffer;
}

const BINARY = { binary: true } as const;
const TEXT = { binary: false } as const;

export class AudienceFanout<M extends ListenerMeta = ListenerMeta> {
  /** 'drop' fires when the fan-out itself lets go of a socket (too slow, or found closed) */
  readonly events = new TypedEmitter<FanoutEvents<M>>();
  readonly #sockets = new Map<FanoutSocket, Entry<M>>();
  readonly #byUser = new Map<UserId, Set<FanoutSocket>>();
  readonly #lanes: FrameLanes<FanoutSocket, Bulletin>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #soft: number;
  readonly #hard: number;
  readonly #graceMs: number;
  readonly #closeGraceMs: number;
  readonly #tuner: WindowTuner;
  /** the real clock drives the frames, so the event loop's busyness means something */
  readonly #measureLoop: boolean;
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
  /** write time of the ticks of the current window cycle, ms, and how many ticks */
  #cycleMs = 0;
  #cycleTicks = 0;
  /** event loop utilisation at the start of the current cycle */
  #cycleElu = performance.eventLoopUtilization();

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
    this.#lanes = new FrameLanes(
      this.#clock,
      (members, frames, bulletins) => this.#sendLane(members, frames, bulletins),
      options,
    );
    this.#measureLoop = options.clock === undefined || options.clock === systemClock;
    this.#tuner = new WindowTuner({
      minFrames: this.#lanes.windowFrames,
      maxFrames:
        options.maxWindowFrames ?? Math.max(FANOUT_DEFAULTS.maxWindowFrames, this.#lanes.windowFrames),
      busyFraction: options.busyFraction,
      loopBusyFraction: options.loopBusyFraction,
    });
  }

  get size(): number {
    return this.#sockets.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Adds a listen socket; it receives from its lane's next batch on. Re-attaching replaces the
   * meta. `tcp`, the socket's own TCP connection (`request.socket` of the upgrade), lets the
   * fan-out write frames framed once for everyone instead of having `ws` frame each send. That
   * is safe because listen sockets use no extension (no per-message deflate) and `ws` writes
   * each of its own frames whole and at once, so frames never interleave in the byte stream.
   */
  attach(socket: FanoutSocket, meta: M, tcp: Socket | null = null): void {
    this.#assertOpen('attach');
    const old = this.#sockets.get(socket);
    if (old) this.#unindex(socket, old.meta);
    this.#sockets.set(socket, { meta, slowSince: -1, tcp });
    if (!old) this.#lanes.add(socket);
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
    this.#lanes.remove(socket);
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
    const t0 = performance.now();
    this.#lanes.push(frame);
    this.#cycleMs += performance.now() - t0;
    if (++this.#cycleTicks >= this.#lanes.windowFrames) this.#retune();
  }

  /** Sends what every lane holds now: frames and bulletins (e.g. at the end of the stream). */
  flush(): void {
    this.#assertOpen('flush');
    this.#lanes.flushAll();
  }

  /**
   * Serialises `msg` once; every socket gets it with its lane's next batch, within one window
   * (slow sockets too, up to the hard limit), after the bulletins posted before it.
   */
  bulletin(msg: AudienceServerMessage): void {
    this.#assertOpen('bulletin');
    this.#stats.bulletins++;
    const json = Buffer.from(JSON.stringify(msg));
    this.#lanes.post({ json, framed: frameWebSocketMessage(json, false) });
  }

  /** Writes one message to one attached socket; false if it is not attached or not open. */
  sendTo(socket: FanoutSocket, msg: AudienceServerMessage): boolean {
    this.#assertOpen('sendTo');
    const entry = this.#sockets.get(socket);
    if (!entry || socket.readyState !== WS_READY_STATE.open) return false;
    // a notice (role, invited, removed…) must not overtake the bulletins posted before it
    // (e.g. the snapshot that put this person on stage); a welcome goes first as it is
    if (msg.type !== 'welcome') this.#lanes.flushLaneOf(socket);
    const data = Buffer.from(JSON.stringify(msg));
    this.#write(socket, data, TEXT);
    return true;
  }

  stats(): FanoutStats {
    return {
      sockets: this.#sockets.size,
      ...this.#stats,
      windowFrames: this.#lanes.windowFrames,
      passMs: this.#tuner.averagePassMs,
    };
  }

  /**
   * Stops the fan-out: held frames are dropped, every socket is detached, and closed with
   * `closing` when given (e.g. { code: 4410, reason: 'space_ended' }). Idempotent.
   */
  close(closing?: { code: number; reason: string }): void {
    if (this.#closed) return;
    this.#lanes.flushAll();
    this.#closed = true;
    this.#lanes.clear();
    const sockets = [...this.#sockets.keys()];
    this.#sockets.clear();
    this.#byUser.clear();
    if (closing) for (const s of sockets) s.close(closing.code, closing.reason);
    this.events.removeAllListeners();
  }

  /**
   * One lane's turn: its frames (framed once, one batch per run of consecutive seqs) and queued
   * bulletins, in one write per socket.
   */
  #sendLane(members: ReadonlySet<FanoutSocket>, frames: AudioFrame[], bulletins: Bulletin[]): void {
    const batches = consecutiveRuns(frames).map((run) => {
      const bytes = encodeAudioBatch(run);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
    this.#stats.batches += batches.length;
    this.#stats.frames += frames.length;
    const batch = batches.length > 0 ? batches : null;
    const out = new LaneWrite(batch, bulletins);
    const now = this.#clock.now();
    // deleting the current Set entry while iterating is safe
    for (const socket of members) {
      const entry = this.#sockets.get(socket);
      if (!entry) continue;
      if (socket.readyState !== WS_READY_STATE.open) {
        this.#forget(socket, entry, 'closed');
        continue;
      }
      let withAudio = batch !== null;
      const buffered = socket.bufferedAmount;
      if (buffered >= this.#soft) {
        if (entry.slowSince < 0) entry.slowSince = now;
        if (buffered >= this.#hard || now - entry.slowSince >= this.#graceMs) {
          this.#dropSlow(socket, entry, buffered);
          continue;
        }
        if (withAudio) this.#stats.skippedSends++;
        withAudio = false; // a slow socket skips audio but still gets the bulletins
      } else {
        entry.slowSince = -1;
      }
      const raw = entry.tcp;
      if (raw) {
        const data = out.framed(withAudio);
        // a TCP socket ended under a WebSocket that does not know yet: writing would only make an error
        if (!data || !raw.writable) continue;
        raw.write(data);
        this.#stats.sends++;
        this.#stats.bytesSent += data.length;
        continue;
      }
      if (withAudio && batch) for (const b of batch) this.#write(socket, b, BINARY);
      for (const b of bulletins) this.#write(socket, b.json, TEXT);
    }
  }

  /** Feeds the write time of the last window cycle to the tuner; re-deals lanes if it changes. */
  #retune(): void {
    const window = this.#lanes.windowFrames;
    const elu = performance.eventLoopUtilization(this.#cycleElu);
    this.#cycleElu = performance.eventLoopUtilization();
    const next = this.#tuner.next(window, this.#cycleMs, this.#measureLoop ? elu.utilization : 0);
    this.#cycleMs = 0;
    this.#cycleTicks = 0;
    if (next === window) return;
    this.#log.info({ from: window, to: next, sockets: this.#sockets.size }, 'audience batch window changed');
    this.#lanes.setWindowFrames(next);
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
    this.#lanes.remove(socket);
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

/** The bytes of one lane's turn, framed lazily once for all its sockets: with or without audio. */
class LaneWrite {
  #withAudio: Buffer | null | undefined;
  #textOnly: Buffer | null | undefined;

  constructor(
    /** audio batches (one per run of consecutive frames), null when the lane has no audio */
    readonly batches: readonly Buffer[] | null,
    readonly bulletins: readonly Bulletin[],
  ) {}

  framed(withAudio: boolean): Buffer | null {
    if (withAudio) return (this.#withAudio ??= this.#build(true));
    return (this.#textOnly ??= this.#build(false));
  }

  #build(withAudio: boolean): Buffer | null {
    const parts: Buffer[] = [];
    if (withAudio && this.batches) for (const b of this.batches) parts.push(frameWebSocketMessage(b, true));
    for (const b of this.bulletins) parts.push(b.framed);
    return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/** frames split where the seq does not follow on (a batch carries consecutive frames only) */
function consecutiveRuns(frames: AudioFrame[]): AudioFrame[][] {
  const runs: AudioFrame[][] = [];
  let run: AudioFrame[] = [];
  for (const f of frames) {
    const last = run[run.length - 1];
    if (last && f.seq !== (last.seq + 1) >>> 0) {
      runs.push(run);
      run = [];
    }
    run.push(f);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
