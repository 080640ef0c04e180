/**
 * Renders LL-HLS playlists (draft-pantos-hls-rfc8216bis). The media playlist is rendered once
 * per new part and cached by HlsStream, never per request.
 *
 * Parts are listed for segments that start less than three target durations before the end
 * of the playlist (the spec's "SHOULD remove parts older than 3 target durations"); older
 * segments are listed by EXTINF only.
 *
 * A segment without media (a failover gap) is listed with EXT-X-GAP and, in the part range,
 * its parts with GAP=YES (draft-pantos-hls-rfc8216bis §4.4.4.7, §4.4.4.9): players skip it
 * and the media timeline stays continuous (decode times follow the seq), so no
 * EXT-X-DISCONTINUITY is needed. EXT-X-GAP is not among the draft's version-gated features,
 * so the playlist stays at version 6.
 */
import type { HlsSegment } from './types.js';
import { INIT_NAME, PLAYLIST_NAME, partName, segmentName } from './types.js';

export interface MediaPlaylistInput {
  /** complete segments in the window, oldest first */
  segments: readonly HlsSegment[];
  /** the open segment at the live edge (may have 0 parts), null once ended */
  open: HlsSegment | null;
  /** EXT-X-MEDIA-SEQUENCE */
  mediaSequence: number;
  targetDuration: number;
  partTarget: number;
  ended: boolean;
}

/**
 * PART-HOLD-BACK in parts: 2 × PART-TARGET (0.8 s at 0.4 s parts), the draft's minimum (it
 * MUST be at least 2×, SHOULD be 3×). A player starts that far behind the live edge and, with
 * default settings (hls.js: no catch-up), stays there PLUS however long its own start-up took.
 * At 3× (1.2 s) hls.js with default settings played 2.02 s behind live at p50 (2.74 s p95);
 * at 2× 1.46 s (1.80 s), docs/hls.md "Latency". The margin the SHOULD buys is not needed
 * here: a part is published the moment its last frame is mixed and a blocking reload or the
 * preload hint is answered at once, so the player's buffer (0.8 s plus its start-up time,
 * minus up to one part) only has to absorb delivery jitter.
 */
export const PART_HOLD_BACK_PARTS = 2;

const fmt = (seconds: number): string => seconds.toFixed(3).replace(/\.?0+$/, '') || '0';
const pdt = (ms: number): string => new Date(ms).toISOString();

export function renderMediaPlaylist(p: MediaPlaylistInput): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${p.targetDuration}`,
    `#EXT-X-PART-INF:PART-TARGET=${fmt(p.partTarget)}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${fmt(PART_HOLD_BACK_PARTS * p.partTarget)}`,
    `#EXT-X-MEDIA-SEQUENCE:${p.mediaSequence}`,
    `#EXT-X-MAP:URI="${INIT_NAME}"`,
  ];
  const all = p.open ? [...p.segments, p.open] : [...p.segments];
  let total = 0;
  for (const s of all) total += s.duration;
  let start = 0;
  for (const s of all) {
    if (s.gap) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${pdt(s.mixedAt)}`);
      if (total - start <= 3 * p.targetDuration) {
        const n = Math.round(s.duration / p.partTarget);
        for (let i = 0; i < n; i++) {
          lines.push(`#EXT-X-PART:DURATION=${fmt(p.partTarget)},URI="${partName(s.msn, i)}",GAP=YES`);
        }
      }
      lines.push('#EXT-X-GAP', `#EXTINF:${fmt(s.duration)},`, segmentName(s.msn));
      start += s.duration;
      continue;
    }
    if (s.parts.length === 0) continue; // an open segment with no part yet
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${pdt(s.mixedAt)}`);
    if (total - start <= 3 * p.targetDuration) {
      for (const part of s.parts) {
        lines.push(
          `#EXT-X-PART:DURATION=${fmt(part.duration)},URI="${partName(part.msn, part.index)}",INDEPENDENT=YES`,
        );
      }
    }
    if (s !== p.open) lines.push(`#EXTINF:${fmt(s.duration)},`, segmentName(s.msn));
    start += s.duration;
  }
  if (p.open && !p.ended) {
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partName(p.open.msn, p.open.parts.length)}"`);
  }
  if (p.ended) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/** The multivariant playlist: one audio-only variant. `bandwidth` is the peak bit/s. */
export function renderMultivariantPlaylist(bandwidth: number, averageBandwidth: number): string {
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(bandwidth)},AVERAGE-BANDWIDTH=${Math.round(averageBandwidth)},CODECS="opus"`,
    PLAYLIST_NAME,
    '',
  ].join('\n');
}
