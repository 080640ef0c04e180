/**
 * Start-up repair. A recording still marked 'recording' was being written when the process
 * died (SIGKILL, OOM, power loss): its log may end in a torn record or, after a power loss, in
 * garbage or zeros. Repair keeps every record up to the first invalid one (format.ts: length
 * and CRC checks), truncates the rest, drops a torn last line of speakers.jsonl, syncs, and
 * marks the recording 'interrupted' with repairs + 1, which makes it replayable.
 *
 * Call repairRecordings(dataDir) before serving (src/app/tiers/recorder.ts does).
 */
import { existsSync, readFileSync, readdirSync, truncateSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import { scanLog } from './format.js';
import { LOG_FILE, RecordingStatus, SPEAKERS_FILE, readMeta, recordingsRoot, writeMeta } from './files.js';

export interface RepairResult {
  spaceId: string;
  /** valid frames kept */
  frames: number;
  /** bytes cut off the end of the log */
  cutBytes: number;
}

/** Repairs every unfinished recording under dataDir; returns what was repaired. */
export function repairRecordings(dataDir: string, log: Logger = silentLogger): RepairResult[] {
  const root = recordingsRoot(dataDir);
  if (!existsSync(root)) return [];
  const out: RepairResult[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    if (readMeta(dir)?.status !== RecordingStatus.recording) continue;
    out.push(repairRecording(dir, log));
  }
  return out;
}

/** Repairs one recording folder (its meta says 'recording'). */
export function repairRecording(dir: string, log: Logger = silentLogger): RepairResult {
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
  writeMeta(dir, {
    ...meta,
    status: RecordingStatus.interrupted,
    updatedAt: Date.now(),
    repairs: meta.repairs + 1,
    cutBytes: meta.cutBytes + cut,
  });
  log.warn({ dir, frames, cutBytes: cut }, 'repaired an unfinished recording');
  return { spaceId: meta.spaceId, frames, cutBytes: cut };
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
