/**
 * The parts of one Space's recording on disk (files.ts): the parts/<part>/ folders, plus the
 * old single-folder layout read as one part. Listing only stats files; reading scans a log up
 * to its last valid record, so a part left 'recording' by a killed node (torn tail, never
 * repaired because its node did not come back) reads to its last good frame and is never
 * written to by anyone else.
 */
import type { Caption } from '../protocol/captions.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AudioFrame } from '../protocol/audience.js';
import {
  LOG_FILE,
  META_FILE,
  SPEAKERS_FILE,
  CAPTIONS_FILE,
  partsDir,
  readMeta,
  recordingDir,
  type RecordingMeta,
} from './files.js';
import { scanLog } from './format.js';
import type { SpeakingInterval } from './speaking.js';

export interface PartInfo {
  /** folder name under parts/, or '' for the old single-folder layout */
  name: string;
  dir: string;
  meta: RecordingMeta;
  /** bytes of audio.rlog now */
  logBytes: number;
  /** last change of its log or meta (ms since epoch): a part still 'recording' that has not
   *  changed for a while belongs to a node that died */
  touchedAt: number;
}

export interface PartData extends PartInfo {
  /** valid frames, in log order */
  frames: AudioFrame[];
  intervals: SpeakingInterval[];
  /** live captions recorded with the part */
  captions: Caption[];
  /** bytes after the last valid record (a torn tail not yet repaired) */
  tailBytes: number;
}

/** Every part of a Space with a readable meta.json, oldest first. */
export function listParts(recordingsDir: string, spaceId: string): PartInfo[] {
  const out: PartInfo[] = [];
  const legacy = part('', recordingDir(recordingsDir, spaceId));
  if (legacy) out.push(legacy);
  const root = partsDir(recordingsDir, spaceId);
  if (!existsSync(root)) return out;
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory()) continue;
    const p = part(entry.name, join(root, entry.name));
    if (p) out.push(p);
  }
  return out;
}

function part(name: string, dir: string): PartInfo | null {
  const meta = readMeta(dir);
  if (!meta) return null;
  const log = statOrNull(join(dir, LOG_FILE));
  const metaStat = statOrNull(join(dir, META_FILE));
  return {
    name,
    dir,
    meta,
    logBytes: log?.size ?? 0,
    touchedAt: Math.max(log?.mtimeMs ?? 0, metaStat?.mtimeMs ?? 0),
  };
}

function statOrNull(path: string): { size: number; mtimeMs: number } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

export async function readPart(info: PartInfo): Promise<PartData> {
  const bytes = await readFile(join(info.dir, LOG_FILE)).catch(() => new Uint8Array(0));
  const scan = scanLog(bytes);
  const text = await readFile(join(info.dir, SPEAKERS_FILE), 'utf8').catch(() => '');
  const captions = parseCaptions(await readFile(join(info.dir, CAPTIONS_FILE), 'utf8').catch(() => ''));
  return {
    ...info,
    frames: scan.frames,
    intervals: parseIntervals(text),
    captions,
    tailBytes: scan.tailBytes,
  };
}

/** JSONL of captions; a torn or malformed line is skipped */
export function parseCaptions(text: string): Caption[] {
  const out: Caption[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const v = JSON.parse(line) as Partial<Caption>;
      if (
        typeof v.speakerId === 'string' &&
        typeof v.text === 'string' &&
        typeof v.startAt === 'number' &&
        typeof v.endAt === 'number'
      )
        out.push({ speakerId: v.speakerId, text: v.text, startAt: v.startAt, endAt: v.endAt, final: true });
    } catch {
      // a torn line (crash): skipped
    }
  }
  return out;
}

/** JSONL of speaking intervals; a torn or malformed line is skipped */
export function parseIntervals(text: string): SpeakingInterval[] {
  const out: SpeakingInterval[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const v = JSON.parse(line) as Partial<SpeakingInterval>;
      if (typeof v.userId === 'string' && typeof v.startAt === 'number' && typeof v.endAt === 'number')
        out.push({ userId: v.userId, startAt: v.startAt, endAt: v.endAt });
    } catch {
      // a torn line (crash): skipped
    }
  }
  return out;
}
