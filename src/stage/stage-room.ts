/**
 * The stage of one Space on its home node: the speakers' sessions, who hears whom on which
 * slot, server-side mute, and the Space's mixer. Forwarding happens here, on the thread that
 * runs the stage (its own worker by default, see docs/stage.md), packet by packet (no decode);
 * the mixer decodes in its worker.
 *
 * Mute is enforced here, before anything else sees a packet: a muted speaker's RTP is neither
 * forwarded nor given to the mixer, whatever the browser does.
 * Lifecycle: created with the Space's first session (or explicitly), lives until close().
 */
import type { RtpPacket } from 'werift';
import type { SpaceId, UserId } from '../protocol/ids.js';
import { Mixer, type MixerOptions } from './mixer.js';
import { SlotRewriter } from './slot-rewriter.js';
import { SlotTable } from './slots.js';
import type { SpeakerSession } from './speaker-session.js';

export interface RoomHooks {
  slots(userId: UserId, slots: Record<number, UserId>): void;
  publishing(userId: UserId, publishing: boolean): void;
}

interface Member {
  session: SpeakerSession;
  table: SlotTable;
  /** one rewriter per slot of this member's session */
  rewriters: SlotRewriter[];
  /** first RTP seen (publishing) */
  publishing: boolean;
}

export class StageRoom {
  readonly mixer: Mixer;
  readonly #members = new Map<UserId, Member>();
  readonly #muted = new Set<UserId>();
  #closed = false;

  constructor(
    readonly spaceId: SpaceId,
    readonly hooks: RoomHooks,
    mixer: MixerOptions = {},
  ) {
    this.mixer = new Mixer(mixer);
  }

  get size(): number {
    return this.#members.size;
  }

  sessionOf(userId: UserId): SpeakerSession | undefined {
    return this.#members.get(userId)?.session;
  }

  isMuted(userId: UserId): boolean {
    return this.#muted.has(userId);
  }

  /** Adds a connected-or-connecting session (the caller closed any previous one of this user). */
  add(session: SpeakerSession): void {
    if (this.#closed) throw new Error('StageRoom is closed');
    const userId = session.userId;
    const member: Member = {
      session,
      table: new SlotTable(session.slotCount),
      rewriters: Array.from({ length: session.slotCount }, () => new SlotRewriter()),
      publishing: false,
    };
    this.#members.set(userId, member);
    // the newcomer hears every other publisher; every other member hears the newcomer
    for (const [otherId, other] of this.#members) {
      if (otherId === userId) continue;
      if (other.session.hasSendTrack) member.table.assign(otherId);
      if (session.hasSendTrack && other.table.assign(userId) !== null) {
        this.hooks.slots(otherId, other.table.toRecord());
      }
    }
    this.hooks.slots(userId, member.table.toRecord());
    session.events.on('rtp', (rtp) => this.#onRtp(member, rtp));
  }

  /** Removes the user's member if `session` is still the current one. */
  remove(session: SpeakerSession): void {
    const userId = session.userId;
    const member = this.#members.get(userId);
    if (!member || member.session !== session) return;
    this.#members.delete(userId);
    if (member.publishing) this.hooks.publishing(userId, false);
    for (const [otherId, other] of this.#members) {
      if (other.table.release(userId)) this.hooks.slots(otherId, other.table.toRecord());
    }
    if (!this.mixer.closed) this.mixer.remove(userId);
  }

  setMuted(userId: UserId, muted: boolean): void {
    if (muted === this.#muted.has(userId)) return;
    if (muted) this.#muted.add(userId);
    else this.#muted.delete(userId);
    this.mixer.setMuted(userId, muted);
    // after a mute the listeners' slot streams restart cleanly instead of showing a seq gap
    for (const other of this.#members.values()) {
      const slot = other.table.slotOf(userId);
      if (slot !== undefined) other.rewriters[slot]?.restart();
    }
  }

  #onRtp(member: Member, rtp: RtpPacket): void {
    const userId = member.session.userId;
    if (this.#closed) return;
    // the session is live (StageMember.connected) as soon as its RTP arrives, muted or not: a
    // speaker's client reads `connected: false` as "my session is gone" and publishes again
    if (!member.publishing) {
      member.publishing = true;
      this.hooks.publishing(userId, true);
    }
    if (this.#muted.has(userId)) return; // no hot mics: dropped right here
    const { sequenceNumber, timestamp, marker } = rtp.header;
    this.mixer.push(userId, sequenceNumber, rtp.payload);
    const now = Date.now();
    for (const [otherId, other] of this.#members) {
      if (otherId === userId) continue; // never one's own voice
      const slot = other.table.slotOf(userId);
      if (slot === undefined) continue;
      const rewriter = other.rewriters[slot];
      if (!rewriter) continue;
      const out = rewriter.rewrite(member.session.sessionId, sequenceNumber, timestamp, now);
      other.session.sendOnSlot(slot, { ...out, marker }, rtp.payload);
    }
  }

  /** Closes every session and the mixer. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sessions = [...this.#members.values()].map((m) => m.session);
    this.#members.clear();
    await Promise.all(sessions.map((s) => s.close('space closed')));
    await this.mixer.close();
  }
}
