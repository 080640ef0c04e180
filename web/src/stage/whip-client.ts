/**
 * Browser side of a speaker's stage session, WHIP-style: one RTCPeerConnection with ONE
 * audio transceiver for the mic (sendonly) and STAGE_SLOTS recvonly transceivers on which the
 * server forwards the other speakers (never your own voice), so joining or leaving never
 * needs renegotiation. The offer is POSTed once ICE gathering is complete (no trickle); the
 * 201 answer's Location header names the session resource, DELETEd on stop().
 *
 * Which slot carries whom arrives on the stage WebSocket (`slots` message), not here.
 */

import { LIMITS } from '../../../src/protocol/limits.js';
import { watchLink } from './link-watch.js';

/** recvonly slots in the offer: everyone else on a full stage (12) */
export const STAGE_SLOTS = LIMITS.maxOnStage - 1;
/** ms the WHIP POST may take before it counts as failed */
const WHIP_TIMEOUT_MS = 10_000;

export interface StagePublisherOptions {
  /** e.g. https://host/v1/spaces/:id/whip */
  whipUrl: string;
  /** bearer token for the WHIP request */
  token: string;
  /** ms to wait for ICE gathering before posting what we have */
  gatherTimeoutMs?: number;
}

/** the server answered the WHIP offer with something else than 201 */
export class WhipRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`WHIP offer refused: ${status} ${body}`);
  }

  /** worth trying again: the server is busy or the Space's home is moving (5xx, 408, 429) */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export class StagePublisher {
  /** Called once per slot when its remote track appears; if unset, slots play through <audio>. */
  onRemoteAudio?: (slot: number, stream: MediaStream) => void;
  /**
   * Called once when the session is lost after start(): the connection failed or closed, or
   * the server has sent nothing for LINK_LOST_MS (its process died or froze: link-watch.ts).
   * Not called after stop().
   */
  onDisconnected?: (why: string) => void;
  /** the server has been silent for LINK_SUSPECT_MS (true), or is heard again (false) */
  onSuspect?: (suspect: boolean) => void;

  readonly #o: StagePublisherOptions;
  #pc: RTCPeerConnection | null = null;
  #mic: RTCRtpTransceiver | null = null;
  #slots: RTCRtpTransceiver[] = [];
  #resource: string | null = null;
  #players: HTMLAudioElement[] = [];
  #stopped = false;
  #unwatch: (() => void) | null = null;

  constructor(options: StagePublisherOptions) {
    this.#o = options;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#pc?.connectionState ?? 'new';
  }

  /** the session resource URL (from Location), once started */
  get resourceUrl(): string | null {
    return this.#resource;
  }

  async start(mic: MediaStream): Promise<void> {
    if (this.#pc) throw new Error('StagePublisher already started');
    if (this.#stopped) throw new Error('StagePublisher is stopped');
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers: [] });
    this.#pc = pc;
    const track = mic.getAudioTracks()[0];
    if (!track) throw new Error('the mic stream has no audio track');
    this.#mic = pc.addTransceiver(track, { direction: 'sendonly', streams: [mic] });
    const slots: RTCRtpTransceiver[] = [];
    for (let i = 0; i < STAGE_SLOTS; i++) slots.push(pc.addTransceiver('audio', { direction: 'recvonly' }));
    this.#slots = slots;
    pc.ontrack = (ev) => {
      const slot = slots.indexOf(ev.transceiver);
      if (slot < 0) return;
      // one stream per slot: the answer carries no msid, so Chrome would put every slot's
      // track into one shared default stream
      const stream = new MediaStream([ev.track]);
      if (this.onRemoteAudio) this.onRemoteAudio(slot, stream);
      else this.#play(stream);
    };
    await pc.setLocalDescription(await pc.createOffer());
    await this.#gathered(pc);
    const res = await fetch(this.#o.whipUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${this.#o.token}` },
      body: pc.localDescription?.sdp ?? '',
      // an edge answers within its 2.5 s call timeout; this only bounds a node that froze
      signal: AbortSignal.timeout(WHIP_TIMEOUT_MS),
    });
    if (res.status !== 201) {
      const text = await res.text().catch(() => '');
      pc.close();
      throw new WhipRefused(res.status, text);
    }
    const location = res.headers.get('Location');
    this.#resource = location ? new URL(location, this.#o.whipUrl).href : null;
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    if (this.#stopped) return;
    this.#unwatch = watchLink(pc, {
      onSuspect: () => this.onSuspect?.(true),
      onResumed: () => this.onSuspect?.(false),
      onLost: (why) => {
        if (!this.#stopped) this.onDisconnected?.(why);
      },
    });
  }

  /** resolves once the connection is up; rejects when it fails or `timeoutMs` passes */
  connected(timeoutMs: number): Promise<void> {
    const pc = this.#pc;
    if (!pc) return Promise.reject(new Error('StagePublisher not started'));
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const s = pc.connectionState;
        if (s === 'connected') resolve();
        else if (s === 'failed' || s === 'closed') reject(new Error(`connection ${s}`));
        else return false;
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        pc.removeEventListener('connectionstatechange', onChange);
        reject(new Error(`not connected after ${timeoutMs} ms`));
      }, timeoutMs);
      const onChange = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        pc.removeEventListener('connectionstatechange', onChange);
      };
      pc.addEventListener('connectionstatechange', onChange);
    });
  }

  #gathered(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#o.gatherTimeoutMs ?? 2000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  #play(stream: MediaStream): void {
    const el = new Audio();
    el.autoplay = true;
    el.srcObject = stream;
    this.#players.push(el);
    void el.play().catch(() => {
      // autoplay blocked: the app should call start() from a user gesture
    });
  }

  /** Packets and bytes received so far per slot (from getStats' inbound-rtp), for diagnostics. */
  async slotStats(): Promise<Record<number, { packetsReceived: number; bytesReceived: number }>> {
    const out: Record<number, { packetsReceived: number; bytesReceived: number }> = {};
    await Promise.all(
      this.#slots.map(async (t, slot) => {
        const report = await t.receiver.getStats();
        report.forEach((s: { type?: string; packetsReceived?: number; bytesReceived?: number }) => {
          if (s.type === 'inbound-rtp') {
            out[slot] = { packetsReceived: s.packetsReceived ?? 0, bytesReceived: s.bytesReceived ?? 0 };
          }
        });
      }),
    );
    return out;
  }

  /** Local mic on/off (sends silence when off). The server enforces its own mute regardless. */
  setMicEnabled(enabled: boolean): void {
    const track = this.#mic?.sender.track;
    if (track) track.enabled = enabled;
  }

  /**
   * Closes the connection and DELETEs the session resource (unless `release` is false: the
   * server already closed it, e.g. you left the stage or the Space ended). Idempotent.
   */
  async stop(release = true): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unwatch?.();
    for (const el of this.#players) el.srcObject = null;
    this.#players = [];
    this.#pc?.close();
    this.#pc = null;
    if (this.#resource && release) {
      await fetch(this.#resource, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${this.#o.token}` },
      }).catch(() => {});
    }
  }
}
