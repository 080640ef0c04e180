/** Shapes shared by the LL-HLS packager, its playlist renderer and its HTTP handler. */
import { FRAME_MS } from '../../protocol/audience.js';

/** One LL-HLS partial segment = one CMAF chunk (moof + mdat). Immutable once made. */
export interface HlsPart {
  /** media sequence number of the segment it belongs to */
  msn: number;
  /** index within the segment, from 0 */
  index: number;
  bytes: Uint8Array;
  frames: number;
  /** seconds (frames * 0.02) */
  duration: number;
}

/** One media segment: whole parts, complete or still growing (the live edge). */
export interface HlsSegment {
  msn: number;
  parts: HlsPart[];
  /** the parts' bytes back to back; set when the segment completes */
  bytes: Uint8Array | null;
  /** seconds, sum of the parts */
  duration: number;
  /** wall clock of the first frame, ms since epoch (EXT-X-PROGRAM-DATE-TIME) */
  mixedAt: number;
  /** frame position (seq) of the first frame (decode time = position * 960 ticks) */
  firstIndex: number;
  /**
   * true for a segment without media (no frame of it was ever mixed: a failover gap). Listed
   * with EXT-X-GAP, its URIs answer 404; `duration` is the nominal segment duration.
   */
  gap?: boolean;
}

/** the segment at the live edge before its first part */
export const openSegment = (msn: number): HlsSegment => ({
  msn,
  parts: [],
  bytes: null,
  duration: 0,
  mixedAt: 0,
  firstIndex: 0,
});

/** a segment of `frames` 20 ms frames nobody mixed (a failover gap); `mixedAt` is its wall-clock start */
export const gapSegment = (msn: number, frames: number, mixedAt: number): HlsSegment => ({
  msn,
  parts: [],
  bytes: null,
  duration: (frames * FRAME_MS) / 1000,
  mixedAt,
  firstIndex: msn * frames,
  gap: true,
});

export const partName = (msn: number, index: number): string => `part-${msn}.${index}.m4s`;
export const segmentName = (msn: number): string => `seg-${msn}.m4s`;
export const INIT_NAME = 'init.mp4';
export const PLAYLIST_NAME = 'playlist.m3u8';
export const MULTIVARIANT_NAME = 'master.m3u8';
