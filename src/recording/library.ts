/**
 * The recordings under one recordings folder (shared by the nodes of a cluster), opened on
 * demand: every part of a Space (parts.ts) merged into one replay (merge.ts), kept in a small
 * LRU cache bounded in bytes (default 128 MB; a 1 h recording weighs ~16 MB, its Ogg download
 * as much again once built). A cached replay is reused while no part changed (names, sizes
 * and statuses make its version).
 */
import { createHash } from 'node:crypto';
import type { SpaceId } from '../protocol/ids.js';
import { RostraError } from '../core/errors.js';
import { RecordingStatus } from './files.js';
import { mergeParts } from './merge.js';
import { listParts, readPart, type PartInfo } from './parts.js';
import { Replay } from './replay.js';

export interface RecordingLibraryOptions {
  recordingsDir: string;
  /** bytes of replays kept in memory; default 128 MB */
  cacheBytes?: number;
  /**
   * ms after which a part still marked 'recording' that has not changed counts as left by a
   * dead node (read up to its last good frame) rather than being recorded; default 5000.
   * A live recorder writes every 200 ms.
   */
  staleMs?: number;
  now?: () => number;
}

export class RecordingLibrary {
  readonly #dir: string;
  readonly #budget: number;
  readonly #staleMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { version: string; replay: Promise<Replay>; ready?: Replay }>();

  constructor(opts: RecordingLibraryOptions) {
    this.#dir = opts.recordingsDir;
    this.#budget = opts.cacheBytes ?? 128 * 1024 * 1024;
    this.#staleMs = opts.staleMs ?? 5000;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * The replay of a Space. Throws recording_not_found when there is none: never recorded,
   * nothing recorded, or still being recorded (a replay exists the moment the Space ends).
   * `liveFrom` (the Space's startedAt, ms since epoch) leaves out the backstage frames before.
   */
  async open(spaceId: SpaceId, liveFrom: number | null = null): Promise<Replay> {
    const parts = listParts(this.#dir, spaceId);
    if (parts.length === 0) throw new RostraError('recording_not_found');
    const now = this.#now();
    if (parts.some((p) => p.meta.status === RecordingStatus.recording && now - p.touchedAt < this.#staleMs))
      throw new RostraError('recording_not_found', 'the Space is still being recorded');
    const version = versionOf(parts);
    const key = `${spaceId}@${liveFrom ?? ''}`;
    const hit = this.#cache.get(key);
    if (hit && hit.version === version) {
      this.#cache.delete(key);
      this.#cache.set(key, hit); // most recently used last
      return hit.replay;
    }
    const entry: { version: string; replay: Promise<Replay>; ready?: Replay } = {
      version,
      replay: load(spaceId, parts, version, liveFrom),
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

  /** drops the least recently used replays beyond the budget (the newest always stays) */
  #evict(): void {
    let total = 0;
    for (const [key, entry] of [...this.#cache].reverse()) {
      total += entry.ready?.weight ?? 0;
      if (total > this.#budget && entry !== [...this.#cache.values()].at(-1)) this.#cache.delete(key);
    }
  }
}

async function load(
  spaceId: string,
  infos: PartInfo[],
  version: string,
  liveFrom: number | null,
): Promise<Replay> {
  const parts = await Promise.all(infos.map(readPart));
  // frames mixed before the Space went live (backstage) are not part of the replay
  const live = parts.map((p) => ({
    frames: p.frames.filter((f) => liveFrom === null || f.mixedAt >= liveFrom),
    intervals: p.intervals,
    captions: p.captions,
  }));
  const merged = mergeParts(live);
  if (merged.frames.length === 0) throw new RostraError('recording_not_found', 'nothing was recorded');
  const newest = parts.at(-1)!; // parts are listed oldest first
  return new Replay({
    summary: {
      spaceId,
      status: newest.meta.status === RecordingStatus.finished ? 'finished' : 'interrupted',
      repaired: parts.some(
        (p) => p.meta.repairs > 0 || p.tailBytes > 0 || p.meta.status === RecordingStatus.recording,
      ),
    },
    frames: merged.frames,
    partStarts: merged.partStarts,
    intervals: merged.intervals,
    captions: merged.captions,
    version,
  });
}

/** `r` + 12 hex digits (the replay routes accept [0-9a-z]) */
function versionOf(parts: readonly PartInfo[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(`${p.name}:${p.logBytes}:${p.meta.status}\n`);
  return `r${h.digest('hex').slice(0, 12)}`;
}
