/**
 * Bus message envelopes of cluster mode. Byte 0 says what follows:
 *   1 = audio: float64 BE fencing token of the home, then one audio batch (protocol/audience.ts)
 *   2 = JSON: one ClusterMessage, UTF-8
 * Anything else, or a body that does not parse, decodes to null (never throws).
 */
import { decodeAudioBatch, encodeAudioBatch, type AudioFrame } from '../protocol/audience.js';
import type { AudienceServerMessage } from '../protocol/audience.js';
import type { NodeId, UserId } from '../protocol/ids.js';
import type { SpaceSnapshot, SpeakRequest } from '../protocol/space.js';
import type { Actor, RoomNotice } from '../core/space/index.js';

const AUDIO = 1;
const JSON_KIND = 2;

/** What a call asks the home to do (edge -> home). */
export type CallBody =
  | { kind: 'audience'; msg: unknown }
  | { kind: 'stage'; msg: unknown }
  | { kind: 'open' }
  | { kind: 'snapshot' }
  | { kind: 'listeners'; query: unknown }
  | { kind: 'publish'; offerSdp: string }
  | { kind: 'unpublish'; sessionId: string };

export type ClusterMessage =
  /** home -> room topic, every HEARTBEAT_MS and at once after taking the Space */
  | { t: 'home'; token: number; node: NodeId; url: string; snapshot: SpaceSnapshot; requests: SpeakRequest[] }
  /** home -> room topic: a message for every socket of the Space (listeners and stage) */
  | { t: 'bulletin'; token: number; msg: AudienceServerMessage }
  /** home -> room topic: for moderators' stage sockets */
  | { t: 'requests'; token: number; requests: SpeakRequest[] }
  | { t: 'notice'; token: number; userId: UserId; notice: RoomNotice }
  | { t: 'slots'; token: number; userId: UserId; slots: Record<string, UserId> }
  | { t: 'kick'; token: number; userId: UserId; reason: 'removed' | 'banned' }
  /** home -> room topic: this home let go of the Space (drain); take it now */
  | { t: 'gone'; token: number }
  /** node -> cmd topic: the node's whole presence for the Space (idempotent, newest seq wins) */
  | {
      t: 'presence';
      node: NodeId;
      seq: number;
      anonymous: number;
      named: [UserId, number][];
      stage: [UserId, number][];
    }
  /** node -> cmd topic */
  | { t: 'call'; id: number; from: NodeId; actor: Actor; body: CallBody }
  /** home -> node topic */
  | { t: 'reply'; id: number; ok: true; result: unknown }
  | { t: 'reply'; id: number; ok: false; code: string; message: string }
  /** directory topic */
  | { t: 'node'; node: NodeId; url: string; draining: boolean };

export function encodeJson(msg: ClusterMessage): Uint8Array {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  const out = new Uint8Array(body.length + 1);
  out[0] = JSON_KIND;
  out.set(body, 1);
  return out;
}

export function encodeAudio(token: number, frames: readonly AudioFrame[]): Uint8Array {
  const batch = encodeAudioBatch(frames);
  const out = new Uint8Array(9 + batch.length);
  out[0] = AUDIO;
  new DataView(out.buffer).setFloat64(1, token);
  out.set(batch, 9);
  return out;
}

export type Decoded =
  { kind: 'audio'; token: number; frames: AudioFrame[] } | { kind: 'json'; msg: ClusterMessage } | null;

export function decode(data: Uint8Array): Decoded {
  if (data.length < 2) return null;
  if (data[0] === AUDIO) {
    if (data.length < 10) return null;
    const token = new DataView(data.buffer, data.byteOffset, data.byteLength).getFloat64(1);
    // copy: the bus may reuse its buffer after the handler returns, frames outlive it
    const frames = decodeAudioBatch(data.slice(9));
    return frames && Number.isFinite(token) ? { kind: 'audio', token, frames } : null;
  }
  if (data[0] !== JSON_KIND) return null;
  try {
    const msg = JSON.parse(
      Buffer.from(data.buffer, data.byteOffset + 1, data.byteLength - 1).toString('utf8'),
    ) as unknown;
    if (typeof msg !== 'object' || msg === null || typeof (msg as { t?: unknown }).t !== 'string')
      return null;
    return { kind: 'json', msg: msg as ClusterMessage };
  } catch {
    return null;
  }
}
