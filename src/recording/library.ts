/**
 * The recordings of this node's data dir, opened on demand and kept in a small LRU cache
 * bounded in bytes (default 128 MB; a 1 h recording weighs ~16 MB, its Ogg download as much
 * again once built). A cached replay is reused while its log's size is unchanged.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpaceId } from '../protocol/ids.js';
import { RostraError } from '../core/errors.js';
import { LOG_FILE, RecordingStatus, SPEAKERS_FILE, readMeta, recordingDir } from './files.js';
import { scanLog } from './format.js';
import { Replay } from './replay.js';
import type { SpeakingInterval } from './speaking.js';

export interface RecordingLibraryOptions {
  dataDir: string;
  /** bytes of replays kept in memory; default 128 MB */
  cacheBytes?: number;
}

export class RecordingLibrary {
  readonly #dataDir: string;
  readonly #budget: number;
  readonly #cache = new Map<string, { size: number; replay: Promise<Replay>; ready?: Replay }>();

  constructor(opts: RecordingLibraryOptions) {
    this.#dataDir = opts.dataDir;
    this.#budget = opts.cacheBytes ?? 128 * 1024 * 1024;
  }

  /**
   * The replay of a Space. Throws recording_not_found when there is none: never recorded,
   * nothing recorded, or still being recorded (a replay exists the moment the Space ends).
   * `liveFrom` (the Space's startedAt, ms since epoch) leaves out the backstage frames before.
   */
  async open(spaceId: SpaceId, liveFrom: number | null = null): Promise<Replay> {
    const dir = recordingDir(this.#dataDir, spaceId);
    const meta = readMeta(dir);
    if (!meta) throw new RostraError('recording_not_found');
    if (meta.status === RecordingStatus.recording)
      throw new RostraError('recording_not_found', 'the Space is still being recorded');
    const size = await stat(join(dir, LOG_FILE)).then(
      (s) => s.size,
      () => 0,
    );
    const key = `${spaceId}@${liveFrom ?? ''}`;
    const hit = this.#cache.get(key);
    if (hit && hit.size === size) {
      this.#cache.delete(key);
      this.#cache.set(key, hit); // most recently used last
      return hit.replay;
    }
    const entry: { size: number; replay: Promise<Replay>; ready?: Replay } = {
      size,
      replay: this.#load(dir, size, liveFrom),
    };
    this.#cache.set(key, entry);
    entry.replay.then(
      (r) => {
        entry.ready = r;
        this.#evict();
      },
      () => {
        if (this.#cache.get(key) === entry) this.#cache.delete(key);
      },
    );
    return entry.replay;
  }

  async #load(dir: string, size: number, liveFrom: number | null): Promise<Replay> {
    const meta = readMeta(dir);
    if (!meta) throw new RostraError('recording_not_found');
    const bytes = await readFile(join(dir, LOG_FILE)).catch(() => new Uint8Array(0));
    // frames mixed before the Space went live (backstage) are not part of the replay
    const frames = scanLog(bytes).frames.filter((f) => liveFrom === null || f.mixedAt >= liveFrom);
    if (frames.length === 0) throw new RostraError('recording_not_found', 'nothing was recorded');
    const text = await readFile(join(dir, SPEAKERS_FILE), 'utf8').catch(() => '');
    return new Replay({ meta, frames, intervals: parseIntervals(text), version: `r${size.toString(36)}` });
  }

  /** drops the least recently used replays beyond the budget (the newest always stays) */
  #evict(): void {
    let total = 0;
    for (const [key, entry] of [...this.#cache].reverse()) {
      total += entry.ready?.weight ?? 0;
      if (total > this.#budget && entry !== [...this.#cache.values()].at(-1)) this.#cache.delete(key);
    }
  }
}

function parseIntervals(text: string): SpeakingInterval[] {
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
