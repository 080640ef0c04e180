/**
 * Messages between the load tool's main thread and its speaker-bot thread
 * (src/load/speaker/bot-thread.ts <-> bot-worker.ts).
 */
import type { Percentiles } from '../histogram.js';
import type { SpeakerStats } from './speaker-bot.js';
import type { MeterPhase } from './stage-meter.js';

export interface BotWorkerData {
  baseUrl: string;
  spaceId: string;
  /** one bearer token per bot */
  tokens: string[];
  /** 48 kHz mono samples every bot loops */
  clip: Int16Array;
}

/** what the bots measured so far */
export interface BotsReading {
  speakers: SpeakerStats[];
  speakerToSpeakerMs: { all: Percentiles; baseline: Percentiles; steady: Percentiles };
  unmatchedForwarded: number;
}

export type ToBots = { type: 'phase'; phase: MeterPhase } | { type: 'read' } | { type: 'stop' };

export type FromBots =
  | { type: 'started' }
  | { type: 'failed'; message: string }
  | { type: 'reading'; reading: BotsReading }
  | { type: 'stopped' };
