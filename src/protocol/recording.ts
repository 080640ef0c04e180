/**
 * Replays of recorded Spaces (docs/recording.md): the timeline JSON and the clip request.
 * Times in the replay are ms from the start of the recording (gaps count: they are silence).
 */
import type { UserId } from './ids.js';

export const RECORDING_LIMITS = {
  /** longest clip, ms */
  maxClipMs: 60_000,
} as const;

export interface ReplayGap {
  /** where the gap starts in the replay, ms */
  atMs: number;
  /** silence that stands for the missing audio, ms */
  durationMs: number;
}

/** one person who spoke in a replay */
export interface ReplaySpeaker {
  userId: UserId;
  /** their handle (as it is now; null if the account no longer exists), to show who spoke */
  handle: string | null;
  /** [startMs, endMs] from the start of the replay, merged, in order */
  intervals: [number, number][];
}

export interface ReplayTimeline {
  /** ms of audio in the replay, gaps included */
  durationMs: number;
  /** wall clock of the first frame, ms since epoch */
  startedAt: number;
  /** 'finished': the Space ended; 'interrupted': the node stopped or crashed (then repaired) */
  status: 'finished' | 'interrupted';
  /** true when a crash left an unfinished log that was repaired at start */
  repaired: boolean;
  /** who spoke when: [startMs, endMs] intervals per speaker, with their handles */
  speakers: ReplaySpeaker[];
  gaps: ReplayGap[];
}

/** the timeline as a recording knows it: speakers by user id (the API adds their handles) */
export type RecordedTimeline = Omit<ReplayTimeline, 'speakers'> & {
  speakers: Omit<ReplaySpeaker, 'handle'>[];
};

/** POST /v1/spaces/:id/clips */
export interface ClipRequest {
  /** ms from the start of the replay */
  startMs: number;
  /** ms, 1..RECORDING_LIMITS.maxClipMs */
  durationMs: number;
}
