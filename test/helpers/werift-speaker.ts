/**
 * A speaker for integration tests: a werift peer that publishes a sine tone (real libopus,
 * 20 ms frames) to a real server over WHIP (`POST /v1/spaces/:id/whip` with the person's
 * token), the way a browser's StagePublisher does. The person must be on stage.
 */
import { Encoder } from '@evan/opus';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { STAGE_SLOTS } from '../../src/stage/stage-media.js';
import { sine } from './audio-goertzel.js';

export interface WeriftSpeaker {
  /** WHIP session URL (Location) */
  location: string;
  /** stops sending and closes the peer; idempotent */
  close(): Promise<void>;
}

export async function publishTone(
  base: string,
  spaceId: string,
  token: string,
  /** hz (or its alias freq): tone frequency, default 440; amplitude: peak, default 8000 */
  opts: { hz?: number; freq?: number; amplitude?: number } = {},
): Promise<WeriftSpeaker> {
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
    },
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
  });
  const send = pc.addTransceiver('audio', { direction: 'sendonly' });
  for (let i = 0; i < STAGE_SLOTS; i++) pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  while (pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 20));
  const res = await fetch(`${base}/v1/spaces/${spaceId}/whip`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
    body: pc.localDescription?.sdp ?? '',
  });
  const answer = await res.text();
  if (res.status !== 201) {
    await pc.close();
    throw new Error(`WHIP refused: ${res.status} ${answer}`);
  }
  const connected = new Promise<void>((resolve) =>
    pc.connectionStateChange.subscribe((s) => s === 'connected' && resolve()),
  );
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await connected;

  const enc = new Encoder({ channels: 1, sample_rate: 48_000, application: 'voip' });
  // one second of tone, looped (440 Hz fits 440 whole periods in a second: no click)
  const tone = sine(opts.hz ?? opts.freq ?? 440, opts.amplitude ?? 8000, 1);
  let seq = 1000;
  let n = 0;
  const timer = setInterval(() => {
    const off = (n++ % 50) * 960;
    const payload = Buffer.from(enc.encode(tone.subarray(off, off + 960)));
    void send.sender.sendRtp(
      new RtpPacket(
        new RtpHeader({ sequenceNumber: seq++ & 0xffff, timestamp: n * 960, payloadType: 96 }),
        payload,
      ),
    );
  }, 20);
  let closed: Promise<void> | null = null;
  return {
    location: res.headers.get('location') ?? '',
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await pc.close();
      })();
      return closed;
    },
  };
}
