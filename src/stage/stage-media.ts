/**
 * The stage plane's entry point for the HTTP layer: WHIP-style speaker sessions (SDP in,
 * SDP out), server-side mute, and per-Space mixed audio frames and levels as events.
 * Transport-free: it never sees HTTP; the caller authorizes and passes the SDP through.
 *
 * Lifecycle: one StageMedia per node; a Space's room (sessions + mixer) is created with its
 * first session or by `openSpace`, and keeps mixing (silence) until `closeSpace` so listeners'
 * streams stay continuous across speaker reconnects. `close()` closes everything (idempotent).
 */
import { randomUUID } from 'node:crypto';
import type { AudioFrame } from '../protocol/audience.js';
import { asSessionId, type SessionId, type SpaceId, type UserId } from '../protocol/ids.js';
import { LIMITS } from '../protocol/limits.js';
import { RostraError } from '../core/errors.js';
import { TypedEmitter } from '../core/events.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { MixerStats, SpeechChunk } from './mixer.js';
import { SpeakerSession, type IceOptions } from './speaker-session.js';
import { StageRoom } from './stage-room.js';

export type StageMediaEvents = {
  /** which slot of `userId`'s session carries whom (send as the `slots` stage message) */
  slots: [SpaceId, UserId, Record<number, UserId>];
  /** a speaker's mic RTP started (true) or their session ended (false) */
  publishing: [SpaceId, UserId, boolean];
  /** one mixed 20 ms Opus frame of the Space, every 20 ms while the room is open */
  frame: [SpaceId, AudioFrame];
  /** per-speaker levels 0..1, every ~200 ms */
  levels: [SpaceId, Record<UserId, number>];
  /** with the speech tap on: each speaker's 16 kHz audio, ending at `endsAt` ms (every ~200 ms) */
  speech: [SpaceId, number, SpeechChunk[]];
  /** a session ended (closed by the client, timed out, failed, or replaced) */
  sessionClosed: [SpaceId, UserId, SessionId];
};

export interface StageMediaOptions {
  log?: Logger;
  ice?: IceOptions;
  /** ms a new session has to connect (default 15 s) */
  connectTimeoutMs?: number;
  /** ms a disconnected session may take to come back (default 5 s) */
  disconnectGraceMs?: number;
  /** ms without mic RTP before a connected session is considered gone (default 10 s) */
  rtpTimeoutMs?: number;
}

/** recvonly slots a speaker's offer should carry: everyone else on a full stage */
export const STAGE_SLOTS = LIMITS.maxOnStage - 1;

export class StageMedia {
  readonly events = new TypedEmitter<StageMediaEvents>();
  readonly #rooms = new Map<SpaceId, StageRoom>();
  readonly #sessions = new Map<SessionId, SpeakerSession>();
  readonly #log: Logger;
  readonly #o: StageMediaOptions;
  #closed = false;

  constructor(options: StageMediaOptions = {}) {
    this.#o = options;
    this.#log = options.log ?? silentLogger;
  }

  #check(): void {
    if (this.#closed) throw new Error('StageMedia is closed');
  }

  /**
   * Opens (or returns) the Space's room and starts its mixer. `timelineOrigin` (ms since epoch,
   * the Space's creation time) makes the mixer's seq continue the Space's numbering across
   * homes (src/stage/mixer-timeline.ts); without it the seq starts at 0.
   */
  openSpace(spaceId: SpaceId, timelineOrigin?: number): StageRoom {
    this.#check();
    let room = this.#rooms.get(spaceId);
    if (!room) {
      const hooks = {
        slots: (userId: UserId, slots: Record<number, UserId>) =>
          this.events.safeEmit('slots', spaceId, userId, slots),
        publishing: (userId: UserId, on: boolean) => this.events.safeEmit('publishing', spaceId, userId, on),
      };
      room = new StageRoom(spaceId, hooks, timelineOrigin === undefined ? {} : { timelineOrigin });
      room.mixer.events.on('frame', (f) => this.events.safeEmit('frame', spaceId, f));
      room.mixer.events.on('levels', (l) =>
        this.events.safeEmit('levels', spaceId, l as Record<UserId, number>),
      );
      room.mixer.events.on('speech', (endsAt, chunks) =>
        this.events.safeEmit('speech', spaceId, endsAt, chunks),
      );
      room.mixer.events.on('error', (e) => this.#log.error({ err: e, spaceId }, 'mixer worker error'));
      this.#rooms.set(spaceId, room);
    }
    return room;
  }

  /** Captions on/off for a Space: its mixer then emits each speaker's audio ('speech'). */
  setSpeechTap(spaceId: SpaceId, on: boolean): void {
    const mixer = this.#rooms.get(spaceId)?.mixer;
    if (mixer && !mixer.closed) mixer.setSpeechTap(on);
  }

  /** Ends every session of the Space and stops its mixer. */
  async closeSpace(spaceId: SpaceId): Promise<void> {
    const room = this.#rooms.get(spaceId);
    if (!room) return;
    this.#rooms.delete(spaceId);
    await room.close();
  }

  /**
   * Answers a speaker's offer. The caller has already checked the user may speak in the Space.
   * A user has at most one session per Space: a new one replaces the old (reconnect).
   */
  async createSession(args: {
    spaceId: SpaceId;
    userId: UserId;
    offerSdp: string;
    /** initial server-side mute (default: keep the current state, unmuted if unknown) */
    muted?: boolean;
  }): Promise<{ sessionId: SessionId; answerSdp: string }> {
    this.#check();
    if (args.offerSdp.length > LIMITS.maxSdpBytes) throw new RostraError('payload_too_large');
    if (!args.offerSdp.startsWith('v=0')) throw new RostraError('invalid_field', 'not an SDP offer');
    const sessionId = asSessionId(randomUUID());
    const session = new SpeakerSession({
      sessionId,
      spaceId: args.spaceId,
      userId: args.userId,
      ice: this.#o.ice ?? {},
      log: this.#log.child({ spaceId: args.spaceId, userId: args.userId, sessionId }),
      connectTimeoutMs: this.#o.connectTimeoutMs ?? 15_000,
      disconnectGraceMs: this.#o.disconnectGraceMs ?? 5_000,
      rtpTimeoutMs: this.#o.rtpTimeoutMs ?? 10_000,
      maxSlots: STAGE_SLOTS,
    });
    let answerSdp: string;
    try {
      answerSdp = await session.answer(args.offerSdp);
    } catch (error) {
      await session.close('bad offer');
      throw error;
    }
    if (this.#closed) {
      await session.close('stage closed');
      throw new Error('StageMedia is closed');
    }
    const room = this.openSpace(args.spaceId);
    const previous = room.sessionOf(args.userId);
    if (previous) void this.closeSession(previous.sessionId);
    if (args.muted !== undefined) room.setMuted(args.userId, args.muted);
    this.#sessions.set(sessionId, session);
    room.add(session);
    session.events.on('state', (s) => {
      if (s === 'closed') this.#forget(session);
    });
    return { sessionId, answerSdp };
  }

  #forget(session: SpeakerSession): void {
    if (!this.#sessions.delete(session.sessionId)) return;
    this.#rooms.get(session.spaceId)?.remove(session);
    this.events.safeEmit('sessionClosed', session.spaceId, session.userId, session.sessionId);
  }

  /** The session's Space and user, e.g. to check that a DELETE comes from its owner. */
  sessionInfo(sessionId: SessionId): { spaceId: SpaceId; userId: UserId } | null {
    const s = this.#sessions.get(sessionId);
    return s ? { spaceId: s.spaceId, userId: s.userId } : null;
  }

  async closeSession(sessionId: SessionId): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (!session) throw new RostraError('session_not_found');
    this.#forget(session);
    await session.close('closed by request');
  }

  /** Ends the user's session in the Space, if any (moved to audience, removed, banned). */
  async closeUser(spaceId: SpaceId, userId: UserId): Promise<void> {
    const session = this.#rooms.get(spaceId)?.sessionOf(userId);
    if (session) await this.closeSession(session.sessionId);
  }

  /** Server-side mute: a muted speaker's packets are neither forwarded nor mixed. */
  setMuted(spaceId: SpaceId, userId: UserId, muted: boolean): void {
    this.#check();
    this.openSpace(spaceId).setMuted(userId, muted);
  }

  isMuted(spaceId: SpaceId, userId: UserId): boolean {
    return this.#rooms.get(spaceId)?.isMuted(userId) ?? false;
  }

  /** Mixer stats of a Space, for metrics; null if the Space has no room here. */
  mixerStats(spaceId: SpaceId): MixerStats | null {
    return this.#rooms.get(spaceId)?.mixer.stats ?? null;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const rooms = [...this.#rooms.values()];
    this.#rooms.clear();
    this.#sessions.clear();
    await Promise.all(rooms.map((r) => r.close()));
    this.events.removeAllListeners();
  }
}
