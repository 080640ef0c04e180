/**
 * Test helper: a werift client that publishes a sine tone to a stage WHIP-style (one sendonly
 * and STAGE_SLOTS recvonly transceivers) and keeps every payload it receives per slot. Used by
 * the StageMedia tests and the stage-thread tests; `createSession` is whichever stage the test
 * talks to. Everything it opens is pushed onto `cleanups` for the test file to close.
 */
import { Decoder } from '@evan/opus';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { toneLevel } from '../../../test/helpers/audio-goertzel.js';
import { sendToneRtp } from '../../../test/helpers/werift-speaker.js';
import { STAGE_SLOTS } from '../stage-media.js';
import { speakerPeer } from '../../load/speaker/peer.js';

export type CreateSession = (offerSdp: string) => Promise<{ sessionId: string; answerSdp: string }>;

export interface ToneClient {
  pc: RTCPeerConnection;
  sessionId: string;
  /** payloads received, per recvonly slot */
  received: Map<number, Uint8Array[]>;
  slots: RTCRtpTransceiver[];
  /** stops sending (the connection stays up) */
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function toneClient(
  createSession: CreateSession,
  freq: number,
  cleanups: (() => Promise<void> | void)[],
): Promise<ToneClient> {
  const pc = speakerPeer();
  cleanups.push(() => pc.close());
  const send = pc.addTransceiver('audio', { direction: 'sendonly' });
  const received = new Map<number, Uint8Array[]>();
  const slots = Array.from({ length: STAGE_SLOTS }, (_, i) => {
    const t = pc.addTransceiver('audio', { direction: 'recvonly' });
    t.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((rtp) => {
        const list = received.get(i) ?? [];
        list.push(new Uint8Array(rtp.payload));
        received.set(i, list);
      }),
    );
    return t;
  });
  await pc.setLocalDescription(await pc.createOffer());
  for (let i = 0; pc.iceGatheringState !== 'complete' && i < 250; i++) await sleep(20);
  const { sessionId, answerSdp } = await createSession(pc.localDescription?.sdp ?? '');
  // subscribe before applying the answer so a fast connection cannot be missed
  const connected = new Promise<void>((resolve, reject) => {
    pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') resolve();
      if (s === 'failed') reject(new Error('client connection failed'));
    });
    setTimeout(() => reject(new Error('client did not connect within 15 s')), 15_000).unref();
  });
  await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  await connected;
  const stop = sendToneRtp(send, freq);
  cleanups.push(stop);
  return { pc, sessionId, received, slots, stop };
}

/** level (0..1) of `freq` in the last 0.5 s of these Opus payloads, decoded */
export function toneLevelIn(packets: Uint8Array[], freq: number): number {
  const dec = new Decoder({ channels: 1, sample_rate: 48_000 });
  const pcm: number[] = [];
  for (const p of packets) {
    const b = dec.decode(p);
    pcm.push(...new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2));
  }
  return toneLevel(pcm.slice(-24_000), freq);
}
