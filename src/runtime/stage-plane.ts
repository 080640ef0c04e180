/**
 * What the hub needs from the stage plane (speaker WebRTC sessions + the mixer), per node.
 * src/runtime/stage-adapter.ts implements it with src/stage on the calling thread;
 * src/runtime/stage-thread.ts runs that same implementation on a worker thread (the default).
 */
import type { AudioFrame } from '../protocol/audience.js';
import type { Caption } from '../protocol/captions.js';
import type { SpaceId, UserId } from '../protocol/ids.js';
import type { TypedEmitter } from '../core/events.js';

export type StagePlaneEvents = {
  /** one mixed 20 ms frame of a Space (also silence when nobody speaks) */
  frame: [spaceId: SpaceId, frame: AudioFrame];
  /** speakers' levels 0..1, a few times a second */
  levels: [spaceId: SpaceId, levels: Record<string, number>];
  /** while the speech tap is on (captions): each speaker's 16 kHz PCM ending at `endsAt` ms */
  speech: [spaceId: SpaceId, endsAt: number, chunks: { id: string; pcm: Int16Array }[]];
  /** a speaker's media session went up or down */
  publishing: [spaceId: SpaceId, userId: UserId, up: boolean];
  /** which recvonly slot of this speaker carries whom */
  slots: [spaceId: SpaceId, userId: UserId, slots: Record<string, UserId>];
  /** a session ended, for any reason (closed by request or by the client, timed out, replaced) */
  sessionClosed: [spaceId: SpaceId, userId: UserId, sessionId: string];
};

export interface StagePlane {
  readonly events: TypedEmitter<StagePlaneEvents>;
  createSession(args: {
    spaceId: SpaceId;
    userId: UserId;
    offerSdp: string;
  }): Promise<{ sessionId: string; answerSdp: string }>;
  /** the owner of a session, or undefined */
  sessionOwner(sessionId: string): { spaceId: SpaceId; userId: UserId } | undefined;
  closeSession(sessionId: string): Promise<void>;
  /** ends every session of one person in a Space (moved off stage, removed, banned) */
  closeUser(spaceId: SpaceId, userId: UserId): void;
  /** who is audible: everyone else is neither forwarded nor mixed */
  setAudible(spaceId: SpaceId, userIds: readonly UserId[]): void;
  /**
   * starts the mixer of a Space (idempotent); `timelineOrigin` (ms, the Space's createdAt) makes
   * its frame seq continue the Space's numbering on any node (src/stage/mixer-timeline.ts)
   */
  openSpace(spaceId: SpaceId, timelineOrigin?: number): void;
  /** captions on/off: the Space's mixer emits 'speech' while on (no-op for a Space not open) */
  setSpeechTap(spaceId: SpaceId, on: boolean): void;
  /** stops the mixer and every session of a Space (idempotent) */
  closeSpace(spaceId: SpaceId): void;
  stats(): { frames: number; lateTicks: number };
  close(): Promise<void>;
}

/**
 * Something that consumes a Space's mixed stream besides the WebSocket fan-out (LL-HLS and Ogg
 * packagers, the recorder). Created per Space by a SinkFactory when the room loads.
 */
export interface FrameSink {
  /** one mixed 20 ms frame, in seq order */
  push(frame: AudioFrame): void;
  /** speakers' levels 0..1 (userId -> level), a few times a second */
  levels?(levels: Record<string, number>, now: number): void;
  /** live captions, one batch of finals (the recorder keeps them for the replay's transcript) */
  captions?(captions: readonly Caption[]): void;
  /** the Space ended: finish the stream (end tags, final pages); stays readable */
  end(): void;
  /** this node lets go of the Space (shutdown or Space gone); idempotent */
  close(): void;
}

export interface SinkFactory {
  /** unique name, e.g. 'hls', 'ogg', 'recorder' */
  readonly name: string;
  /** null when this Space needs no such sink (e.g. recording switched off) */
  create(space: { id: SpaceId; recording: boolean }): FrameSink | null;
}
