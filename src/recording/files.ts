/**
 * Where a Space's recording lives and its small status file. The recordings folder is
 * `--recordings-dir` (default <dataDir>/recordings); cluster nodes share one. One folder per
 * Space, and in it one *part* per recording run (a Recorder: from the moment a home starts
 * recording to end(), close() or a crash), written by one node only:
 *
 *   <recordingsDir>/<spaceId>/parts/<part>/audio.rlog      frames (format.ts), append-only
 *   <recordingsDir>/<spaceId>/parts/<part>/speakers.jsonl  one speaking interval per line
 *   <recordingsDir>/<spaceId>/parts/<part>/captions.jsonl  one live caption per line
 *   <recordingsDir>/<spaceId>/parts/<part>/meta.json       status, written atomically
 *
 * `<part>` is `<createdAt ms>-<nodeId>-<random>`: two nodes (or two runs on one node) never
 * append to the same file, so a deposed home still writing for a moment cannot touch the new
 * home's part. The replay merges the parts (merge.ts). Recordings made before parts existed
 * have the three files straight in `<recordingsDir>/<spaceId>/`: read as one more part.
 *
 * Status lifecycle of a part: recording -> finished (the Space ended) | interrupted (the node
 * let go, or repair found a crashed 'recording').
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
  /** the node that writes this part (absent in the old single-folder layout) */
  node?: string;
}

export const LOG_FILE = 'audio.rlog';
export const SPEAKERS_FILE = 'speakers.jsonl';
/** live captions of the part, one final caption (protocol Caption) per line */
export const CAPTIONS_FILE = 'captions.jsonl';
export const META_FILE = 'meta.json';
export const PARTS_DIR = 'parts';
/** node id of a node that is not in a cluster */
export const LOCAL_NODE = 'local';

/** the folder of one Space (its parts, or the old single-folder files) */
export const recordingDir = (recordingsDir: string, spaceId: string): string => join(recordingsDir, spaceId);
export const partsDir = (recordingsDir: string, spaceId: string): string =>
  join(recordingDir(recordingsDir, spaceId), PARTS_DIR);

/** a fresh, unique part name: sorts by creation time */
export function newPartName(node: string, now: number): string {
  return `${String(Math.floor(now)).padStart(13, '0')}-${node}-${randomBytes(3).toString('hex')}`;
}

/** modes of what the server writes: only the server's own user reads them (docs/security.md) */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

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
  writeFileSync(tmp, JSON.stringify(meta) + '\n', { mode: PRIVATE_FILE });
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
