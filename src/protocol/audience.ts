/**
 * The audience WebSocket (`/v1/spaces/:id/listen?token=`): for listeners, on any node.
 * Server -> client: binary audio batches (below) and JSON text bulletins.
 * Client -> server: a few small JSON commands (reactions, hand raise, invite answer).
 * Nothing here is sent per listener to the room: joins/leaves only move counters.
 */
import type { Caption } from './captions.js';
import type { ErrorCode } from './errors.js';
import type { ReactionEmoji } from './limits.js';
import type { QuestionId } from './ids.js';
import type { QuestionBoard } from './questions.js';
import type { Role, SpaceCounts, SpaceSnapshot } from './space.js';

export type AudienceClientMessage = { ref?: number } & (
  | { type: 'react'; emoji: ReactionEmoji }
  | { type: 'raise_hand' }
  | { type: 'lower_hand' }
  | { type: 'accept_invite' }
  | { type: 'decline_invite' }
  /** signed in only; also POST /v1/spaces/:id/questions */
  | { type: 'ask'; text: string }
  /** idempotent; also POST /v1/spaces/:id/questions/:qid/vote */
  | { type: 'upvote'; questionId: QuestionId }
  | { type: 'ping' }
);
export type AudienceClientType = AudienceClientMessage['type'];

/** Which tier a client should use; the server may ask a client to move. */
export const Tier = { websocket: 'websocket', hls: 'hls', ogg: 'ogg' } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];

export type AudienceServerMessage =
  | {
      type: 'welcome';
      snapshot: SpaceSnapshot;
      you: { userId: string | null; role: Role; handRaised: boolean };
    }
  | { type: 'snapshot'; snapshot: SpaceSnapshot }
  | { type: 'counts'; counts: SpaceCounts }
  | { type: 'reactions'; windowMs: number; counts: Partial<Record<ReactionEmoji, number>> }
  | { type: 'levels'; levels: Record<string, number> }
  /** live captions, batched: every final caption of the last ~500 ms (docs/captions.md) */
  | { type: 'captions'; captions: Caption[] }
  /** the questions board changed; at most once per QUESTION_LIMITS.bulletinMs */
  | { type: 'questions'; questions: QuestionBoard }
  /** a host or co-host invites you on stage; answer with accept_invite / decline_invite */
  | { type: 'invited' }
  /** your role changed (approved request, accepted invite, moved down) */
  | { type: 'role'; role: Role }
  | { type: 'hand'; raised: boolean }
  /** move to another tier, e.g. overflow or drain; `url` is where to go */
  | { type: 'switch_tier'; tier: Tier; url: string; reason: string }
  /** the node is full or a join storm is on: you are in the waiting room, `position` 1 = next;
   *  repeated while you wait; `welcome` follows when you are admitted */
  | { type: 'waiting'; position: number }
  | { type: 'ended'; reason: string }
  | { type: 'removed'; reason: 'removed' | 'banned' }
  | { type: 'ack'; ref: number }
  | { type: 'pong' }
  | { type: 'error'; ref?: number; code: ErrorCode; message: string };

// ---------------------------------------------------------------------------------------------
// Binary audio batch, version 1. One batch carries consecutive 20 ms Opus frames of the mix.
//
//   offset size  field
//   0      1     kind = 1 (audio batch)
//   1      1     frame count n (1..255)
//   2      4     seq of the first frame (uint32, +1 per 20 ms frame, wraps)
//   6      8     mixedAt of the first frame: server wall clock, ms since epoch (float64)
//   14     ...   n times: uint16 length L, then L bytes of one Opus packet
// All integers are big-endian. A batch is framed once and the same bytes go to every socket.
// ---------------------------------------------------------------------------------------------

export const AUDIO_BATCH_KIND = 1;
/** duration of one Opus frame in the mixed stream, ms */
export const FRAME_MS = 20;
/** samples per frame at 48 kHz */
export const FRAME_SAMPLES = 960;
export const SAMPLE_RATE = 48_000;
const HEADER_BYTES = 14;
/** largest Opus packet we accept in a batch, bytes (Opus caps one frame at 1275) */
export const MAX_OPUS_PACKET_BYTES = 1275;

export interface AudioFrame {
  /** uint32 sequence number, +1 per 20 ms */
  seq: number;
  /** server wall clock when the frame was mixed, ms since epoch */
  mixedAt: number;
  /** one Opus packet (48 kHz mono, 20 ms) */
  opus: Uint8Array;
}

export function encodeAudioBatch(frames: readonly AudioFrame[]): Uint8Array {
  const first = frames[0];
  if (!first || frames.length > 255) throw new RangeError('a batch holds 1..255 frames');
  let size = HEADER_BYTES;
  for (const f of frames) {
    if (f.opus.length > MAX_OPUS_PACKET_BYTES) throw new RangeError('opus packet too large');
    size += 2 + f.opus.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, AUDIO_BATCH_KIND);
  view.setUint8(1, frames.length);
  view.setUint32(2, first.seq >>> 0);
  view.setFloat64(6, first.mixedAt);
  let at = HEADER_BYTES;
  for (const f of frames) {
    view.setUint16(at, f.opus.length);
    out.set(f.opus, at + 2);
    at += 2 + f.opus.length;
  }
  return out;
}

/** Decodes a batch; returns null for anything malformed (never throws on bad input). */
export function decodeAudioBatch(bytes: Uint8Array): AudioFrame[] | null {
  if (bytes.length < HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== AUDIO_BATCH_KIND) return null;
  const n = view.getUint8(1);
  if (n === 0) return null;
  const seq = view.getUint32(2);
  const mixedAt = view.getFloat64(6);
  const frames: AudioFrame[] = [];
  let at = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    if (at + 2 > bytes.length) return null;
    const len = view.getUint16(at);
    if (len > MAX_OPUS_PACKET_BYTES || at + 2 + len > bytes.length) return null;
    frames.push({
      seq: (seq + i) >>> 0,
      mixedAt: mixedAt + i * FRAME_MS,
      opus: bytes.subarray(at + 2, at + 2 + len),
    });
    at += 2 + len;
  }
  return at === bytes.length ? frames : null;
}
