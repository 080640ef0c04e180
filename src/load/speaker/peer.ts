/**
 * The WebRTC peer a speaker client uses against a Rostra stage (werift): Opus only, every
 * transceiver on one bundled transport, host candidates on IPv4 only (loopback and LAN runs).
 * Shared by the load tool's speaker bots and the tests' werift speakers.
 */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export function speakerPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
    },
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
  });
}
