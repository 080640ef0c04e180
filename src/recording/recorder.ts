/**
 * Records one Space on this node: every mixed frame into the append-only log, speaking turns
 * into speakers.jsonl, the status into meta.json (files.ts), all in a part of its own (a new
 * folder under <recordingsDir>/<spaceId>/parts/ per Recorder). It has the FrameSink shape the
 * app's Space runtime drives: push() every 20 ms, levels() a few times a second, end() when
 * the Space ends, close() when the node lets go.
 *
 * Lifecycle: recording -> end() -> finished, or -> close() without end() -> interrupted.
 * Both are idempotent; push()/levels() after either are ignored (a frame racing the end).
 */
import { mkdirSync } from 'node:fs';
import { PRIVATE_DIR } from './files.js';
import { join } from 'node:path';
import type { AudioFrame } from '../protocol/audience.js';
import type { Caption } from '../protocol/captions.js';
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import { AppendFile } from './append-file.js';
import { LOG_MAGIC, encodeRecord } from './format.js';
import {
  LOCAL_NODE,
  LOG_FILE,
  META_FILE,
  RecordingStatus,
  SPEAKERS_FILE,
  CAPTIONS_FILE,
  newPartName,
  partsDir,
  syncDir,
  writeMeta,
  type RecordingMeta,
} from './files.js';
import { SpeakingTracker, type SpeakingOptions } from './speaking.js';

export interface RecorderOptions {
  /** the recordings folder (cluster: the one all nodes share) */
  recordingsDir: string;
  spaceId: string;
  /** this node's id, named in the part; default 'local' (not in a cluster) */
  node?: string;
  /** ms between writes (default 200) and between fdatasyncs (default 1000) */
  flushMs?: number;
  syncMs?: number;
  speaking?: SpeakingOptions;
  log?: Logger;
  now?: () => number;
}

export class Recorder {
  readonly dir: string;
  readonly #audio: AppendFile;
  readonly #speakers: AppendFile;
  readonly #captions: AppendFile;
  readonly #tracker: SpeakingTracker;
  readonly #log: Logger;
  readonly #now: () => number;
  #meta: RecordingMeta;
  #frames = 0;
  #done = false;

  constructor(opts: RecorderOptions) {
    this.#log = opts.log ?? silentLogger;
    this.#now = opts.now ?? Date.now;
    const node = opts.node ?? LOCAL_NODE;
    const parts = partsDir(opts.recordingsDir, opts.spaceId);
    // private to the server's user (docs/security.md): recordings of sign-in-only Spaces
    mkdirSync(parts, { recursive: true, mode: PRIVATE_DIR });
    this.dir = join(parts, newPartName(node, this.#now()));
    mkdirSync(this.dir, { mode: PRIVATE_DIR }); // throws if the name were taken: a part is never shared
    syncDir(parts); // the part's directory entry is durable
    const logPath = join(this.dir, LOG_FILE);
    const onError = (err: unknown) => this.#log.error({ err, dir: this.dir }, 'recording write failed');
    const timing = { flushMs: opts.flushMs, syncMs: opts.syncMs, onError };
    this.#audio = new AppendFile(logPath, timing);
    this.#speakers = new AppendFile(join(this.dir, SPEAKERS_FILE), timing);
    this.#captions = new AppendFile(join(this.dir, CAPTIONS_FILE), timing);
    this.#audio.append(LOG_MAGIC);
    const now = this.#now();
    this.#meta = {
      version: 1,
      spaceId: opts.spaceId,
      status: RecordingStatus.recording,
      createdAt: now,
      updatedAt: now,
      repairs: 0,
      cutBytes: 0,
      node,
    };
    this.#audio.flush();
    writeMeta(this.dir, this.#meta); // also syncs the folder: the log's entry is durable
    this.#tracker = new SpeakingTracker(
      (i) => this.#speakers.append(Buffer.from(JSON.stringify(i) + '\n')),
      opts.speaking,
    );
  }

  /** frames recorded by this Recorder (its part) */
  get frames(): number {
    return this.#frames;
  }

  get status(): RecordingStatus {
    return this.#meta.status;
  }

  push(frame: AudioFrame): void {
    if (this.#done) return;
    this.#audio.append(encodeRecord(frame));
    this.#frames++;
  }

  levels(levels: Record<string, number>, now: number): void {
    if (this.#done) return;
    this.#tracker.report(levels, now);
  }

  /** live captions (finals), kept for the replay's transcript */
  captions(captions: readonly Caption[]): void {
    if (this.#done) return;
    for (const c of captions) this.#captions.append(Buffer.from(JSON.stringify(c) + '\n'));
  }

  /** the Space ended: the recording is finished and replayable */
  end(): void {
    this.#stop(RecordingStatus.finished);
  }

  /** the node lets go; without end() first the recording is 'interrupted' (still replayable) */
  close(): void {
    this.#stop(RecordingStatus.interrupted);
  }

  #stop(status: RecordingStatus): void {
    if (this.#done) return;
    this.#done = true;
    this.#tracker.flush();
    try {
      this.#audio.finish();
      this.#speakers.finish();
      this.#captions.finish();
    } finally {
      this.#meta = { ...this.#meta, status, updatedAt: this.#now() };
      writeMeta(this.dir, this.#meta);
      this.#log.info({ dir: this.dir, status, frames: this.#frames, file: META_FILE }, 'recording stopped');
    }
  }
}
