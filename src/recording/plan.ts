/**
 * Turns a recorded log into the replay's continuous timeline: one 20 ms entry per frame, gaps
 * (a node died, a failover, a mixer restart, lost frames) filled with Opus silence of the
 * right length and listed, so the replay's media time equals wall time and nothing is ever
 * spliced or corrupt.
 *
 * Two consecutive records are adjacent when seq goes +1 and mixedAt +20 ms (±TIME_SLACK_MS).
 * Otherwise the wall-clock difference decides how much silence goes in (capped at
 * MAX_GAP_FRAMES); when the clock went backwards, the seq difference does. A record with the
 * same seq as the previous one, or an older seq and time, is a duplicate and is skipped.
 *
 * `partStarts` (merge.ts) names the first frame of each recording part: there seq numbering
 * may restart (another mixer, maybe another node), so seq is not compared; only the wall
 * clock decides, and a part that follows the previous one within a frame starts a new run
 * without a gap.
 */
import { FRAME_MS, type AudioFrame } from '../protocol/audience.js';
import type { ReplayGap } from '../protocol/recording.js';

/** One CELT 20 ms fullband mono frame flagged silent: decodes to digital silence. */
export const SILENCE_OPUS = Uint8Array.of(0xf8, 0xff, 0xfe);
/** longest silence put in for one gap: 30 min (90 000 frames); longer gaps are shortened */
export const MAX_GAP_FRAMES = 90_000;
/** ms of mixedAt jitter still counted as adjacent */
const TIME_SLACK_MS = 200;

export interface ReplayPlan {
  /** one Opus packet per 20 ms of replay, gaps included */
  packets: Uint8Array[];
  /** 1 where the packet is gap silence */
  gapMask: Uint8Array;
  gaps: ReplayGap[];
  /** where each run of adjacent records starts: replay index and wall clock (ms) */
  runs: { index: number; mixedAt: number }[];
  /** frames skipped as duplicates */
  duplicates: number;
}

export function planReplay(
  frames: readonly AudioFrame[],
  partStarts: ReadonlySet<AudioFrame> = new Set(),
): ReplayPlan {
  const packets: Uint8Array[] = [];
  const fill: number[] = [];
  const gaps: ReplayGap[] = [];
  const runs: { index: number; mixedAt: number }[] = [];
  let duplicates = 0;
  let prev: AudioFrame | null = null;
  const silence = (missing: number) => {
    for (let k = 0; k < missing; k++) {
      fill.push(packets.length);
      packets.push(SILENCE_OPUS);
    }
  };
  for (const f of frames) {
    if (prev && partStarts.has(f)) {
      const missing = clampGap(Math.round((f.mixedAt - prev.mixedAt) / FRAME_MS) - 1);
      if (missing > 0) gaps.push({ atMs: packets.length * FRAME_MS, durationMs: missing * FRAME_MS });
      silence(missing);
      runs.push({ index: packets.length, mixedAt: f.mixedAt });
    } else if (prev) {
      const seqDelta = (f.seq - prev.seq) >>> 0;
      const dt = f.mixedAt - prev.mixedAt;
      const adjacent = seqDelta === 1 && Math.abs(dt - FRAME_MS) <= TIME_SLACK_MS;
      if (!adjacent) {
        if (seqDelta === 0 || (seqDelta >= 0x80000000 && dt <= 0)) {
          duplicates++;
          continue;
        }
        const missing = clampGap(
          dt > 0 ? Math.round(dt / FRAME_MS) - 1 : seqDelta < 0x80000000 ? seqDelta - 1 : 0,
        );
        gaps.push({ atMs: packets.length * FRAME_MS, durationMs: missing * FRAME_MS });
        silence(missing);
        runs.push({ index: packets.length, mixedAt: f.mixedAt });
      }
    } else runs.push({ index: 0, mixedAt: f.mixedAt });
    packets.push(f.opus);
    prev = f;
  }
  const gapMask = new Uint8Array(packets.length);
  for (const i of fill) gapMask[i] = 1;
  return { packets, gapMask, gaps, runs, duplicates };
}

const clampGap = (missing: number): number => Math.min(MAX_GAP_FRAMES, Math.max(0, missing));

/** Replay position (ms) of a wall-clock time, clamped to the replay. */
export function replayOffset(plan: ReplayPlan, at: number): number {
  const total = plan.packets.length * FRAME_MS;
  let run = plan.runs[0];
  if (!run) return 0;
  for (const r of plan.runs) {
    if (r.mixedAt > at) break;
    run = r;
  }
  return Math.min(total, Math.max(0, run.index * FRAME_MS + (at - run.mixedAt)));
}
