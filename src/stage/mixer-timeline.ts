/**
 * A Space's frame numbering on the wall clock: seq 0 is the Space's creation time (known to
 * every node from the store), one seq per 20 ms frame. A mixer started at `now` begins at
 * `timelineSeq(now, origin)`, so a new home after a failover continues where the old home's
 * numbering would have been: the seq jumps by the length of the gap and never restarts.
 * uint32: wraps after 2^32 × 20 ms ≈ 2.7 years.
 */
import { FRAME_MS } from '../protocol/audience.js';

/** seq of the frame mixed at wall-clock `now` (ms) on a timeline whose seq 0 is at `origin` (ms) */
export function timelineSeq(now: number, origin: number): number {
  return Math.max(0, Math.round((now - origin) / FRAME_MS)) >>> 0;
}
