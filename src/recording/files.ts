/**
 * Where a Space's recording lives and its small status file. One folder per Space:
 *
 *   <dataDir>/recordings/<spaceId>/audio.rlog      frames (format.ts), append-only
 *   <dataDir>/recordings/<spaceId>/speakers.jsonl  one speaking interval per line
 *   <dataDir>/recordings/<spaceId>/meta.json       status, written atomically (tmp + rename)
 *
 * Status lifecycle: recording -> finished (the Space ended) | interrupted (the node let go,
 * or repair found a crashed 'recording'). A Space that resumes on this node goes back to
 * recording and appends to the same log (the replay then shows a gap).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RecordingStatus = {
  recording: 'recording',
  finished: 'finished',
  interrupted: 'interrupted',
} as const;
export type RecordingStatus = (typeof RecordingStatus)[keyof typeof RecordingStatus];

export interface RecordingMeta {
  version: 1;
  spaceId: string;
  status: RecordingStatus;
  /** ms since epoch when recording first started */
  createdAt: number;
  /** ms since epoch of the last status change */
  updatedAt: number;
  /** times repair found this log unfinished after a crash */
  repairs: number;
  /** bytes of torn/corrupt tail cut off by repairs, in total */
  cutBytes: number;
}

export const recordingsRoot = (dataDir: string): string => join(dataDir, 'recordings');
export const recordingDir = (dataDir: string, spaceId: string): string =>
  join(recordingsRoot(dataDir), spaceId);
export const LOG_FILE = 'audio.rlog';
export const SPEAKERS_FILE = 'speakers.jsonl';
export const META_FILE = 'meta.json';

export function readMeta(dir: string): RecordingMeta | null {
  try {
    const meta = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as RecordingMeta;
    return meta.version === 1 ? meta : null;
  } catch {
    return null;
  }
}

/** Replaces meta.json atomically and durably (write tmp, fsync, rename, fsync the folder). */
export function writeMeta(dir: string, meta: RecordingMeta): void {
  const tmp = join(dir, `${META_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(meta) + '\n');
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, META_FILE));
  syncDir(dir);
}

export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
