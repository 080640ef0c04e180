/**
 * A speaker for integration tests: a werift peer that publishes a sine tone (real libopus,
 * 20 ms frames) to a real server over WHIP (`POST /v1/spaces/:id/whip` with the person's
 * token), the way a browser's StagePublisher does. The person must be on stage.
 *
 * Publishing has a deadline: a peer whose connection never comes up (seen on a loaded
 * machine) or a WHIP POST that never answers (a cluster node whose Space changes home) is
 * closed and tried again, and after the deadline the test fails with what it was waiting for
 * instead of hanging.
 */
import { Encoder } from '@evan/opus';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { STAGE_SLOTS } from '../../src/stage/stage-media.js';
import { sine } from './audio-goertzel.js';
import { speakerPeer } from '../../src/load/speaker/peer.js';

export interface WeriftSpeaker {
  /** WHIP session URL (Location) */
  location: string;
  /** the SDP offer sent and the answer the server gave */
  sdp: { offer: string; answer: string };
  /** stops sending and closes the peer; idempotent */
  close(): Promise<void>;
}

export interface PublishOptions {
  /** tone frequency (freq is an alias), default 440 */
  hz?: number;
  freq?: number;
  /** peak amplitude, default 8000 */
  amplitude?: number;
  /** how long one attempt may take, from the offer to a connected peer; default 10 s */
  attemptMs?: number;
  /** when to stop starting new attempts (from the call); default two attempts' worth */
  withinMs?: number;
  /**
   * recvonly audio m-lines after the send one: STAGE_SLOTS (the web app's offer, to hear the
   * others) by default; 0 is a plain WHIP client's offer (OBS, GStreamer's whipsink)
   */
  recvSlots?: number;
  /** also offer a sendonly H.264 video m-line, as OBS does (no video is sent on it) */
  video?: boolean;
  /** 48 kHz mono audio to say instead of the tone: sent once from the start, then silence */
  samples?: Int16Array;
}

/**
 * Publishes the tone on `base`, or on the nodes of `base` in turn (what a cluster client does
 * while the Space moves), one attempt after another until one connects or `withinMs` is over;
 * the last attempt's error is thrown then. A new WHIP session replaces the person's old one,
 * so an attempt that half-worked does no harm.
 */
export async function publishTone(
  base: string | readonly string[],
  spaceId: string,
  token: string,
  opts: PublishOptions = {},
): Promise<WeriftSpeaker> {
  const bases = typeof base === 'string' ? [base] : base;
  const attemptMs = opts.attemptMs ?? 10_000;
  const deadline = Date.now() + (opts.withinMs ?? 2 * attemptMs);
  for (let i = 0; ; i++) {
    const url = bases[i % bases.length]!;
    try {
      return await publishOnce(url, spaceId, token, opts, Math.min(attemptMs, deadline - Date.now()));
    } catch (err) {
      // another attempt needs a second at least to be worth starting
      if (deadline - Date.now() < 1200) {
        throw new Error(`publishTone: gave up after ${i + 1} attempt(s): ${(err as Error).message}`, {
          cause: err,
        });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** one WHIP attempt on `base` that is connected within `ms` or closed */
async function publishOnce(
  base: string,
  spaceId: string,
  token: string,
  opts: PublishOptions,
  ms: number,
): Promise<WeriftSpeaker> {
  const pc = opts.video ? obsLikePeer() : speakerPeer();
  let waitingFor = 'ICE gathering';
  const abort = new AbortController();
  const timeout = new Promise<never>((_, reject) => {
    abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error));
  });
  const timer = setTimeout(() => {
    const state = `connection ${pc.connectionState}, ICE ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}`;
    abort.abort(
      new Error(`WHIP on ${base}: not connected after ${ms} ms (waiting for ${waitingFor}; ${state})`),
    );
  }, ms);
  const connect = async () => {
    const send = pc.addTransceiver('audio', { direction: 'sendonly' });
    for (let i = 0; i < (opts.recvSlots ?? STAGE_SLOTS); i++)
      pc.addTransceiver('audio', { direction: 'recvonly' });
    if (opts.video) pc.addTransceiver('video', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    while (pc.iceGatheringState !== 'complete' && !abort.signal.aborted)
      await new Promise((r) => setTimeout(r, 20));
    waitingFor = 'the WHIP answer';
    const res = await fetch(`${base}/v1/spaces/${spaceId}/whip`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
      body: pc.localDescription?.sdp ?? '',
      signal: abort.signal,
    });
    const answer = await res.text();
    if (res.status !== 201) throw new Error(`WHIP on ${base} refused: ${res.status} ${answer}`);
    waitingFor = 'the peer connection';
    const connected = new Promise<void>((resolve, reject) =>
      pc.connectionStateChange.subscribe((s) => {
        if (s === 'connected') resolve();
        if (s === 'failed') reject(new Error(`WHIP on ${base}: peer connection failed`));
      }),
    );
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await connected;
    const sdp = { offer: pc.localDescription?.sdp ?? '', answer };
    return { send, location: res.headers.get('location') ?? '', sdp };
  };
  let session: Awaited<ReturnType<typeof connect>>;
  try {
    session = await Promise.race([connect(), timeout]);
  } catch (err) {
    abort.abort(err); // stops a connect() still under way
    await pc.close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return sendTone(pc, session, opts);
}

/** a peer that offers Opus audio and H.264 video, like OBS's WHIP output */
function obsLikePeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90_000,
          parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        }),
      ],
    },
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
  });
}

function sendTone(
  pc: RTCPeerConnection,
  session: {
    send: ReturnType<RTCPeerConnection['addTransceiver']>;
    location: string;
    sdp: WeriftSpeaker['sdp'];
  },
  opts: PublishOptions,
): WeriftSpeaker {
  const stop = opts.samples
    ? sendRtp(session.send, (n) => opts.samples!.subarray(n * 960, n * 960 + 960))
    : sendToneRtp(session.send, opts.hz ?? opts.freq ?? 440, opts.amplitude ?? 8000);
  let closed: Promise<void> | null = null;
  return {
    location: session.location,
    sdp: session.sdp,
    close() {
      closed ??= (async () => {
        stop();
        await pc.close();
      })();
      return closed;
    },
  };
}

/**
 * Sends a sine tone as Opus RTP on `send` every 20 ms (one second of tone, looped: 440 Hz fits
 * 440 whole periods in a second, no click); returns the function that stops it.
 */
export function sendToneRtp(
  send: ReturnType<RTCPeerConnection['addTransceiver']>,
  hz: number,
  amplitude = 8000,
): () => void {
  const tone = sine(hz, amplitude, 1);
  return sendRtp(send, (n) => tone.subarray((n % 50) * 960, (n % 50) * 960 + 960));
}

/** Sends `frame(n)` (960 samples at 48 kHz; shorter is padded with silence) as Opus RTP every 20 ms. */
function sendRtp(
  send: ReturnType<RTCPeerConnection['addTransceiver']>,
  frame: (n: number) => Int16Array,
): () => void {
  const enc = new Encoder({ channels: 1, sample_rate: 48_000, application: 'voip' });
  const pcm = new Int16Array(960);
  let seq = 1000;
  let n = 0;
  const timer = setInterval(() => {
    pcm.fill(0);
    pcm.set(frame(n++).subarray(0, 960));
    const payload = Buffer.from(enc.encode(pcm));
    void send.sender.sendRtp(
      new RtpPacket(
        new RtpHeader({ sequenceNumber: seq++ & 0xffff, timestamp: n * 960, payloadType: 96 }),
        payload,
      ),
    );
  }, 20);
  return () => clearInterval(timer);
}
