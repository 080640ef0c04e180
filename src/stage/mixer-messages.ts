/** Messages between the main thread (Mixer) and the mixer worker (mixer-worker.ts). */
import type { SpeakerStats, SpeechChunk } from './mixer-core.js';

export interface MixerWorkerData {
  /** seq of the first frame (uint32), unless `timelineOrigin` is given */
  firstSeq: number;
  /** ms since epoch of the Space's seq 0: the first seq is derived from it when the clock starts */
  timelineOrigin?: number;
  /** ms between levels reports */
  levelsEveryMs: number;
}

export type ToWorker =
  | { type: 'push'; id: string; seq: number; payload: Uint8Array }
  | { type: 'mute'; id: string; muted: boolean }
  | { type: 'remove'; id: string }
  /** captions: keep each speaker's audio at 16 kHz and post it as 'speech' (mixer-core.ts) */
  | { type: 'speech_tap'; on: boolean }
  | { type: 'stop' };

export interface MixerStats {
  /** frames produced since start */
  frames: number;
  /** ticks that ran more than half a frame after they were due */
  lateTicks: number;
  /** ticks skipped after a long stall (output gap) */
  skippedTicks: number;
  /** frames in which someone was audible */
  framesWithVoice: number;
  speakers: Record<string, SpeakerStats>;
}

export type FromWorker =
  | { type: 'frame'; seq: number; mixedAt: number; opus: Uint8Array }
  | { type: 'levels'; levels: Record<string, number>; stats: MixerStats }
  /** every ~200 ms while the speech tap is on: per speaker, 16 kHz PCM ending at `endsAt` */
  | { type: 'speech'; endsAt: number; chunks: SpeechChunk[] };
