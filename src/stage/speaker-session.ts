/**
 * One speaker's WebRTC session (werift), answered WHIP-style: the browser's offer carries one
 * audio transceiver it sends its mic on, plus N recvonly audio transceivers ("slots") on which
 * the server forwards the other speakers' RTP. No renegotiation ever happens.
 *
 * Lifecycle: new -> (answer returned) connecting -> connected -> closed. A session that does
 * not connect within `connectTimeoutMs`, or stays disconnected for `disconnectGraceMs`, or
 * whose ICE/DTLS fails, closes itself and emits `closed` once.
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import { TypedEmitter } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { SessionId, SpaceId, UserId } from '../protocol/ids.js';
import { RostraError } from '../core/errors.js';

export interface IceOptions {
  /** extra host addresses to offer as candidates (e.g. '127.0.0.1') */
  additionalHostAddresses?: string[];
  /** UDP port range for ICE, [min, max] (min < max) */
  portRange?: [number, number];
}

export interface SpeakerSessionOptions {
  sessionId: SessionId;
  spaceId: SpaceId;
  userId: UserId;
  ice: IceOptions;
  log: Logger;
  /** ms to reach 'connected' before giving up */
  connectTimeoutMs: number;
  /** ms a 'disconnected' session may take to recover */
  disconnectGraceMs: number;
  /** most recvonly slots used (extra ones stay silent) */
  maxSlots: number;
  /** ms without mic RTP after which a connected session that sends is closed: a browser that
   * vanished without a DTLS close (crash, network gone). Chrome sends packets even with the
   * track disabled, so silence is not idleness. */
  rtpTimeoutMs: number;
}

export type SessionState = 'connecting' | 'connected' | 'closed';

export type SpeakerSessionEvents = {
  /** one RTP packet from the speaker's mic (Opus payload) */
  rtp: [RtpPacket];
  state: [SessionState];
};

/** ms to wait for ICE gathering on the server side before answering anyway */
const GATHER_TIMEOUT_MS = 3000;

/**
 * Video codecs named only so that werift can answer an offer that also carries video (it
 * refuses an m-line that shares no codec with its own list): such m-lines are answered
 * inactive and nothing on them is read. The stage is audio only (docs/stage.md, "WHIP clients").
 */
const ANSWERABLE_VIDEO = ['H264', 'VP8', 'VP9', 'AV1', 'H265'].map(
  (name) => new RTCRtpCodecParameters({ mimeType: `video/${name}`, clockRate: 90_000 }),
);

export class SpeakerSession {
  readonly events = new TypedEmitter<SpeakerSessionEvents>();
  readonly #pc: RTCPeerConnection;
  readonly #o: SpeakerSessionOptions;
  /** server-side senders, one per client recvonly slot, in the client's m-line order */
  #slots: RTCRtpTransceiver[] = [];
  #state: SessionState = 'connecting';
  #timer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  /** Date.now() of the last mic RTP packet (or of connecting) */
  #lastRtpAt = 0;
  /** whether the offer has a transceiver the client sends on */
  hasSendTrack = false;

  constructor(options: SpeakerSessionOptions) {
    this.#o = options;
    this.#pc = new RTCPeerConnection({
      codecs: {
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
        video: ANSWERABLE_VIDEO,
      },
      iceServers: [], // no STUN/TURN: host candidates only
      bundlePolicy: 'max-bundle', // one ICE/DTLS transport for all 13 m-lines
      iceUseIpv6: false,
      iceAdditionalHostAddresses: options.ice.additionalHostAddresses,
      icePortRange: options.ice.portRange,
    });
    this.#pc.connectionStateChange.subscribe((s) => this.#onConnectionState(s));
    this.#pc.onTrack.subscribe((track) => {
      if (track.kind !== 'audio') return;
      track.onReceiveRtp.subscribe((rtp) => {
        if (this.#state === 'closed') return;
        this.#lastRtpAt = Date.now();
        this.events.safeEmit('rtp', rtp);
      });
    });
  }

  get sessionId(): SessionId {
    return this.#o.sessionId;
  }
  get spaceId(): SpaceId {
    return this.#o.spaceId;
  }
  get userId(): UserId {
    return this.#o.userId;
  }
  get state(): SessionState {
    return this.#state;
  }
  get slotCount(): number {
    return this.#slots.length;
  }

  /** Applies the offer and returns the answer SDP (ICE gathering complete, no trickle). */
  async answer(offerSdp: string): Promise<string> {
    try {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    } catch (error) {
      throw new RostraError('invalid_field', 'the SDP offer could not be applied', { cause: error });
    }
    const audio = this.#pc.getTransceivers().filter((t) => t.kind === 'audio');
    // offerDirection is the server's view: the client's recvonly is our sendonly
    this.hasSendTrack = audio.some((t) => t.offerDirection === 'recvonly' || t.offerDirection === 'sendrecv');
    this.#slots = audio.filter((t) => t.offerDirection === 'sendonly').slice(0, this.#o.maxSlots);
    if (!this.hasSendTrack && this.#slots.length === 0) {
      throw new RostraError('invalid_field', 'the offer has no audio transceiver');
    }
    // werift creates transceivers for remote m-lines as recvonly; make the slots send, or the
    // answer would mark them inactive (port 0) and the browser would never play them
    for (const t of this.#slots) t.setDirection('sendonly');
    // a video m-line (OBS's WHIP output always offers one) is answered inactive: nothing is sent on it
    for (const t of this.#pc.getTransceivers()) if (t.kind !== 'audio') t.setDirection('inactive');
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    await this.#gathered();
    const sdp = this.#pc.localDescription?.sdp;
    if (!sdp) throw new RostraError('internal', 'no local description after answering');
    this.#timer = setTimeout(() => void this.close('connect timeout'), this.#o.connectTimeoutMs);
    return sdp;
  }

  async #gathered(): Promise<void> {
    if (this.#pc.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, GATHER_TIMEOUT_MS);
      this.#pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') {
          clearTimeout(t);
          resolve();
        }
      });
    });
  }

  #onConnectionState(s: string): void {
    if (this.#state === 'closed') return;
    this.#o.log.debug({ connectionState: s }, 'speaker session connection state');
    if (s === 'connected') {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#startWatchdog();
      this.#setState('connected');
    } else if (s === 'failed' || s === 'closed') {
      void this.close(`connection ${s}`);
    } else if (s === 'disconnected') {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.close('disconnected too long'), this.#o.disconnectGraceMs);
    }
  }

  #startWatchdog(): void {
    if (!this.hasSendTrack || this.#watchdog) return;
    this.#lastRtpAt = Date.now();
    const every = Math.max(100, Math.min(2000, this.#o.rtpTimeoutMs / 4));
    this.#watchdog = setInterval(() => {
      if (Date.now() - this.#lastRtpAt > this.#o.rtpTimeoutMs) void this.close('no media');
    }, every);
  }

  #setState(next: SessionState): void {
    if (this.#state === next || this.#state === 'closed') return;
    this.#o.log.info({ from: this.#state, to: next }, 'speaker session state');
    this.#state = next;
    this.events.safeEmit('state', next);
  }

  /** Sends one forwarded packet on slot `index` (ignored until connected or if no such slot). */
  sendOnSlot(
    index: number,
    header: { seq: number; timestamp: number; marker: boolean },
    payload: Buffer,
  ): void {
    if (this.#state !== 'connected') return;
    const t = this.#slots[index];
    if (!t) return;
    const packet = new RtpPacket(
      new RtpHeader({ sequenceNumber: header.seq, timestamp: header.timestamp, marker: header.marker }),
      payload,
    );
    t.sender.sendRtp(packet).catch(() => {
      // the transport went away mid-send; the state handler closes the session
    });
  }

  /** Idempotent; resolves when the peer connection is closed. */
  async close(reason = 'closed'): Promise<void> {
    if (this.#state === 'closed') return;
    this.#o.log.info({ reason }, 'speaker session closing');
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
    this.#setState('closed');
    this.events.removeAllListeners();
    await this.#pc.close().catch(() => {});
  }
}
