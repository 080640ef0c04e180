/** Messages between WsPlayer (main thread) and the jitter worklet (audio thread). */
import type { JitterStats } from './jitter-ring.js';

/** name the worklet registers its processor under */
export const JITTER_PROCESSOR = 'rostra-jitter';

/** main -> worklet: one decoded 20 ms frame (pcm is transferred) */
export interface FrameToWorklet {
  type: 'frame';
  seq: number;
  mixedAt: number;
  pcm: Float32Array;
}

/** main -> worklet: a new playout target (the server's batches got wider or narrower) */
export interface TargetToWorklet {
  type: 'target';
  targetMs: number;
}

/** worklet -> main: a stats snapshot, about every 100 ms of played audio */
export interface StatsFromWorklet {
  type: 'stats';
  stats: JitterStats;
}

export interface JitterProcessorOptions {
  targetMs: number;
}
