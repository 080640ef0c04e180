/**
 * One replay from the parts of a Space's recording (files.ts: one part per recording run, on
 * whichever node was home). Parts are put in the order they started (first frame's mixedAt);
 * where two overlap in time -- a deposed home still recording for a moment after the new home
 * started -- the newer part wins from its first frame on: the older part's frames from there
 * are cut (listeners heard the new home then: edges drop the deposed home's lower fencing
 * token). The time between two parts is left to the planner (plan.ts), which fills it with
 * marked silence of the right length. Speaking intervals are cut the same way.
 *
 * Wall clocks of nodes are assumed in step (NTP, a few ms); a skew shows as a gap or overlap of
 * that size at the boundary.
 */
import { FRAME_MS, type AudioFrame } from '../protocol/audience.js';
import type { SpeakingInterval } from './speaking.js';
import type { Caption } from '../protocol/captions.js';

export interface PartFrames {
  /** valid frames in log order */
  frames: readonly AudioFrame[];
  intervals: readonly SpeakingInterval[];
  captions?: readonly Caption[];
}

export interface MergedRecording {
  /** every kept frame, part after part */
  frames: AudioFrame[];
  /** the first kept frame of each part (the planner starts a new run there) */
  partStarts: Set<AudioFrame>;
  intervals: SpeakingInterval[];
  /** captions, cut like the intervals (a deposed home's late captions are left out) */
  captions: Caption[];
  /** frames of older parts cut because a newer part covered their time */
  overlapFrames: number;
}

export function mergeParts(parts: readonly PartFrames[]): MergedRecording {
  const ordered = parts
    .filter((p) => p.frames.length > 0)
    .map((p, i) => ({ p, i, start: p.frames[0]!.mixedAt }))
    .sort((a, b) => a.start - b.start || a.i - b.i);
  const frames: AudioFrame[] = [];
  const partStarts = new Set<AudioFrame>();
  const intervals: SpeakingInterval[] = [];
  const captions: Caption[] = [];
  let overlapFrames = 0;
  ordered.forEach(({ p }, k) => {
    const cut = ordered[k + 1]?.start ?? Infinity;
    let first = true;
    for (const f of p.frames) {
      // a frame stays if most of its 20 ms lies before the next part's first frame
      if (f.mixedAt + FRAME_MS / 2 > cut) {
        overlapFrames++;
        continue;
      }
      if (first) partStarts.add(f);
      first = false;
      frames.push(f);
    }
    for (const i of p.intervals) {
      const endAt = Math.min(i.endAt, cut);
      if (endAt > i.startAt) intervals.push({ ...i, endAt });
    }
    for (const c of p.captions ?? [])
      if (c.startAt < cut) captions.push({ ...c, endAt: Math.min(c.endAt, cut) });
  });
  captions.sort((a, b) => a.startAt - b.startAt);
  return { frames, partStarts, intervals, captions, overlapFrames };
}
