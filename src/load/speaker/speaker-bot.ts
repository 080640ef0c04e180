/**
 * A speaker bot: publishes a looped 48 kHz mono clip as Opus over WebRTC (werift as the
 * client), WHIP-style — one sendonly transceiver and STAGE_SLOTS recvonly ones, offer POSTed
 * after ICE gathering, answer applied, session DELETEd on stop. Frames are paced at 20 ms
 * against performance.now() (a late timer sends what is due, so the rate has no drift).
 * Lifecycle: start() -> publishing -> stop() (idempotent).
 */
import { Encoder } from '@evan/opus';
import { RtpHeader, RtpPacket, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { FRAME_MS, FRAME_SAMPLES } from '../../protocol/audience.js';
import { LIMITS } from '../../protocol/limits.js';
import type { StageMeter } from './stage-meter.js';
import { speakerPeer } from './peer.js';

/** recvonly slots in the offer: everyone else on a full stage */
const STAGE_SLOTS = LIMITS.maxOnStage - 1;
/** ms to wait for ICE gathering and for the connection */
const CONNECT_TIMEOUT_MS = 10_000;

export interface SpeakerBotOptions {
  baseUrl: string;
  spaceId: string;
  token: string;
  /** 48 kHz mono samples, looped */
  clip: Int16Array;
  /** notes sent and forwarded payloads for the speaker-to-speaker delay */
  meter?: StageMeter;
}

export interface SpeakerStats {
  framesSent: number;
  /** ms from start() to a connected peer connection */
  connectMs: number;
  /** frames sent more than 20 ms late (timer slip the pacing caught up on) */
  lateFrames: number;
}

export class SpeakerBot {
  readonly stats: SpeakerStats = { framesSent: 0, connectMs: 0, lateFrames: 0 };
  #pc: RTCPeerConnection | null = null;
  #timer: NodeJS.Timeout | null = null;
  #resource: string | null = null;
  #stopped = false;

  constructor(private readonly o: SpeakerBotOptions) {
    if (o.clip.length < FRAME_SAMPLES) throw new Error('the speaker clip is shorter than one frame');
  }

  async start(): Promise<void> {
    if (this.#pc || this.#stopped) throw new Error('SpeakerBot already started or stopped');
    const t0 = performance.now();
    const pc = speakerPeer();
    this.#pc = pc;
    const send = pc.addTransceiver('audio', { direction: 'sendonly' });
    for (let i = 0; i < STAGE_SLOTS; i++) pc.addTransceiver('audio', { direction: 'recvonly' });
    const meter = this.o.meter;
    if (meter)
      pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => meter.received(rtp.payload)));
    await pc.setLocalDescription(await pc.createOffer());
    const gatherBy = Date.now() + CONNECT_TIMEOUT_MS;
    while (pc.iceGatheringState !== 'complete' && Date.now() < gatherBy) await sleep(20);
    const res = await fetch(`${this.o.baseUrl}/v1/spaces/${this.o.spaceId}/whip`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${this.o.token}` },
      body: pc.localDescription?.sdp ?? '',
    });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`WHIP offer refused: ${res.status} ${body.slice(0, 200)}`);
    const location = res.headers.get('location');
    this.#resource = location ? new URL(location, this.o.baseUrl).href : null;
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('speaker bot: WebRTC did not connect')),
        CONNECT_TIMEOUT_MS,
      );
      pc.connectionStateChange.subscribe((s) => {
        if (s === 'connected') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await connected;
    this.stats.connectMs = Math.round(performance.now() - t0);
    this.#pace(send);
  }

  #pace(send: RTCRtpTransceiver): void {
    const enc = new Encoder({ channels: 1, sample_rate: 48_000, application: 'voip' });
    const clip = this.o.clip;
    const framesInClip = Math.floor(clip.length / FRAME_SAMPLES);
    const payloadType = send.sender.codec?.payloadType ?? 96;
    const start = performance.now();
    let n = 0;
    let seq = Math.floor(Math.random() * 0x10000);
    const tick = () => {
      if (this.#stopped) return;
      const due = Math.floor((performance.now() - start) / FRAME_MS) + 1;
      if (due - n > 1) this.stats.lateFrames += due - n - 1;
      // after a long stall (> 1 s) skip ahead rather than burst
      if (due - n > 50) n = due - 1;
      while (n < due) {
        const off = (n % framesInClip) * FRAME_SAMPLES;
        const payload = Buffer.from(enc.encode(clip.subarray(off, off + FRAME_SAMPLES)));
        this.o.meter?.sent(payload);
        const header = new RtpHeader({
          sequenceNumber: seq & 0xffff,
          timestamp: (n * FRAME_SAMPLES) >>> 0,
          payloadType,
          marker: n === 0,
        });
        void send.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
        seq++;
        n++;
        this.stats.framesSent++;
      }
      this.#timer = setTimeout(tick, Math.max(1, start + n * FRAME_MS - performance.now()));
    };
    tick();
  }

  /** stops sending, DELETEs the session, closes the peer connection; idempotent */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#resource) {
      await fetch(this.#resource, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${this.o.token}` },
      }).catch(() => undefined);
    }
    await this.#pc?.close().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
