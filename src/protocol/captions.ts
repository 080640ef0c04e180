/** Live captions as clients get them (docs/captions.md). */
import type { UserId } from './ids.js';

export interface Caption {
  /** who spoke */
  speakerId: UserId;
  /** recognised words, lower case */
  text: string;
  /** ms since epoch when the first word was mixed: compare with an audio frame's mixedAt */
  startAt: number;
  /** ms since epoch when the last word ended */
  endAt: number;
  /** false for a partial result that a later caption of the same speaker replaces */
  final: boolean;
}
