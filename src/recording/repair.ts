/**
 * Start-up repair. A recording still marked 'recording' was being written when the process
 * died (SIGKILL, OOM, power loss): its log may end in a torn record or, after a power loss, in
 * garbage or zeros. Repair keeps every record up to the first invalid one (format.ts: length
 * and CRC checks), truncates the rest, drops a torn last line of speakers.jsonl, syncs, and
 * marks the recording 'interrupted' with repairs + 1, which makes it replayable.
 *
 * A node repairs only the parts it wrote itself (meta.node is its id), plus folders of the old
 * single-folder layout (those were always private to one node): in a shared recordings folder
 * another node's part may still be being written. A part whose node never comes back stays
 * 'recording' on disk and is read up to its last good frame (parts.ts).
 *
 * Call repairRecordings(recordingsDir, nodeId) before serving (src/runtime/tiers/recorder.ts does).
 */
import { existsSync, readFileSync, readdirSync, truncateSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import { scanLog } from './format.js';
import {
  LOCAL_NODE,
  LOG_FILE,
  RecordingStatus,
  SPEAKERS_FILE,
  CAPTIONS_FILE,
  partsDir,
  readMeta,
  recordingDir,
  writeMeta,
} from './files.js';

export interface RepairResult {
  spaceId: string;
  /** the part's folder name ('' for the old single-folder layout) */
  part: string;
  /** valid frames kept */
  frames: number;
  /** bytes cut off the end of the log */
  cutBytes: number;
}

/** Repairs every unfinished recording of this node under recordingsDir; returns what was repaired. */
export function repairRecordings(
  recordingsDir: string,
  node: string = LOCAL_NODE,
  log: Logger = silentLogger,
): RepairResult[] {
  if (!existsSync(recordingsDir)) return [];
  const out: RepairResult[] = [];
  const unfinished = (dir: string) => readMeta(dir)?.status === RecordingStatus.recording;
  for (const space of readdirSync(recordingsDir, { withFileTypes: true })) {
    if (!space.isDirectory()) continue;
    const legacy = recordingDir(recordingsDir, space.name);
    if (unfinished(legacy)) out.push(repairRecording(legacy, '', log));
    const parts = partsDir(recordingsDir, space.name);
    if (!existsSync(parts)) continue;
    for (const part of readdirSync(parts, { withFileTypes: true })) {
      const dir = join(parts, part.name);
      if (part.isDirectory() && unfinished(dir) && readMeta(dir)?.node === node)
        out.push(repairRecording(dir, part.name, log));
    }
  }
  return out;
}

/** Repairs one recording folder (its meta says 'recording'). */
export function repairRecording(dir: string, part: string, log: Logger = silentLogger): RepairResult {
  const meta = readMeta(dir);
  if (!meta) throw new Error(`no recording in ${dir}`);
  const logPath = join(dir, LOG_FILE);
  let frames = 0;
  let cut = 0;
  if (existsSync(logPath)) {
    const bytes = readFileSync(logPath);
    const scan = scanLog(bytes);
    frames = scan.frames.length;
    // validBytes is 0 when even the magic is torn: the next Recorder writes it again
    cut = scan.tailBytes;
    if (cut > 0) {
      truncateSync(logPath, scan.validBytes);
      syncFile(logPath);
    }
  }
  cutTornLine(join(dir, SPEAKERS_FILE));
  cutTornLine(join(dir, CAPTIONS_FILE));
  writeMeta(dir, {
    ...meta,
    status: RecordingStatus.interrupted,
    updatedAt: Date.now(),
    repairs: meta.repairs + 1,
    cutBytes: meta.cutBytes + cut,
  });
  log.warn({ dir, frames, cutBytes: cut }, 'repaired an unfinished recording');
  return { spaceId: meta.spaceId, part, frames, cutBytes: cut };
}

/** JSONL: keeps whole lines only */
function cutTornLine(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end === bytes.length) return;
  truncateSync(path, end);
  syncFile(path);
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
