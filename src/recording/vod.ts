/**
 * The replay as VOD HLS: one fMP4 init segment (the live packager's, src/audience/hls) and
 * media segments of up to 6 s, each one CMAF fragment with a continuous decode time. A gap's
 * silence gets segments of its own tagged EXT-X-GAP (players that know the tag skip them,
 * others play the silence), and every run after a gap starts with EXT-X-PROGRAM-DATE-TIME
 * so the wall clock of the audio stays known.
 */
import { FRAME_MS, FRAME_SAMPLES } from '../protocol/audience.js';
import { mediaFragment } from '../audience/hls/mp4/fragment.js';
import type { ReplayPlan } from './plan.js';

/** frames per VOD segment: 300 = 6 s (the usual VOD length: a third of the requests of 2 s) */
export const VOD_SEGMENT_FRAMES = 300;

export interface VodSegment {
  /** replay index of the first frame */
  first: number;
  frames: number;
  gap: boolean;
  /** wall clock of the first frame when a run starts here (ms since epoch), else null */
  programDateTime: number | null;
}

export function vodSegments(plan: ReplayPlan): VodSegment[] {
  const runStart = new Map(plan.runs.map((r) => [r.index, r.mixedAt]));
  const out: VodSegment[] = [];
  let cur: VodSegment | null = null;
  for (let i = 0; i < plan.packets.length; i++) {
    const gap = plan.gapMask[i] === 1;
    const pdt = runStart.get(i) ?? null;
    if (!cur || cur.frames >= VOD_SEGMENT_FRAMES || cur.gap !== gap || pdt !== null) {
      cur = { first: i, frames: 0, gap, programDateTime: pdt };
      out.push(cur);
    }
    cur.frames++;
  }
  return out;
}

const seconds = (frames: number): string => ((frames * FRAME_MS) / 1000).toFixed(3);

/**
 * The VOD media playlist. URIs are relative to the playlist: `<version>/init.mp4` and
 * `<version>/seg-<n>.m4s`; `query` (e.g. `?token=…`) is appended to each.
 */
export function renderVodPlaylist(segments: readonly VodSegment[], version: string, query = ''): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.ceil((VOD_SEGMENT_FRAMES * FRAME_MS) / 1000)}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${version}/init.mp4${query}"`,
  ];
  segments.forEach((s, n) => {
    if (s.programDateTime !== null)
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateTime).toISOString()}`);
    if (s.gap) lines.push('#EXT-X-GAP');
    lines.push(`#EXTINF:${seconds(s.frames)},`, `${version}/seg-${n}.m4s${query}`);
  });
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

export function vodSegmentBytes(
  plan: ReplayPlan,
  segments: readonly VodSegment[],
  n: number,
): Uint8Array | undefined {
  const s = segments[n];
  if (!s) return undefined;
  return mediaFragment({
    sequence: n + 1,
    baseMediaDecodeTime: BigInt(s.first) * BigInt(FRAME_SAMPLES),
    samples: plan.packets.slice(s.first, s.first + s.frames),
  });
}
