/**
 * The restreams of this node: at most one per Space, at most LIMITS.maxRestreamsPerNode in all
 * (each is an ffmpeg process encoding AAC, and H.264 with a picture: ~5-15 % of a core).
 * A restream runs on the node that was asked to start it and reads that node's copy of the
 * Space's Ogg stream (the home's or, on an edge, the one fed over the bus). It ends by itself
 * when the Space ends; close() stops every one (node shutdown).
 */
import type { SpaceId } from '../../protocol/ids.js';
import { LIMITS } from '../../protocol/limits.js';
import { RostraError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { PageSink } from '../ogg/fanout.js';
import type { RestreamStatus, RestreamVideo } from '../../protocol/restream.js';
import { Restream, type RestreamOptions } from './restream.js';

export interface RestreamManagerOptions {
  /** the Space's Ogg stream on this node (HlsOggTiers.ogg), null = none */
  ogg: (spaceId: SpaceId) => { attach(sink: PageSink): () => void } | null;
  log: Logger;
  /** picture for video 'image' (operator setting); without it 'image' falls back to 'color' */
  imagePath?: string;
  /** overrides for tests (command, backoff) */
  restream?: Partial<
    Pick<RestreamOptions, 'command' | 'args' | 'firstBackoffMs' | 'maxBackoffMs' | 'liveAfterMs'>
  >;
}

export class RestreamManager {
  readonly #o: RestreamManagerOptions;
  readonly #running = new Map<SpaceId, Restream>();
  #restarts = 0;
  #closed = false;

  constructor(options: RestreamManagerOptions) {
    this.#o = options;
  }

  /** starts a restream of the Space to `url`; replaces one already running for it */
  async start(spaceId: SpaceId, url: string, video: RestreamVideo): Promise<RestreamStatus> {
    if (this.#closed) throw new RostraError('server_busy', 'the node is shutting down');
    const old = this.#running.get(spaceId);
    if (old) {
      this.#running.delete(spaceId);
      await old.stop();
    }
    if (this.liveCount() >= LIMITS.maxRestreamsPerNode) {
      throw new RostraError('restream_limit', `at most ${LIMITS.maxRestreamsPerNode} restreams per node`);
    }
    if (!this.#o.ogg(spaceId)) throw new RostraError('space_not_live');
    const picture = video === 'image' && !this.#o.imagePath ? 'color' : video;
    const restream = new Restream({
      ...this.#o.restream,
      url,
      video: picture,
      imagePath: this.#o.imagePath,
      tap: () => this.#o.ogg(spaceId),
      log: this.#o.log.child({ spaceId, tier: 'restream' }),
      onState: (s) => {
        if (s.state === 'starting' && s.restarts > 0) this.#restarts++;
      },
    });
    this.#running.set(spaceId, restream);
    return restream.status();
  }

  /** stops the Space's restream; false if none was running */
  async stop(spaceId: SpaceId): Promise<boolean> {
    const r = this.#running.get(spaceId);
    if (!r) return false;
    this.#running.delete(spaceId);
    const was = !r.done;
    await r.stop();
    return was;
  }

  /** the Space's restream as last seen on this node (also once ended or stopped), or null */
  status(spaceId: SpaceId): RestreamStatus | null {
    return this.#running.get(spaceId)?.status() ?? null;
  }

  /** restreams not yet stopped or ended */
  liveCount(): number {
    let n = 0;
    for (const r of this.#running.values()) if (!r.done) n++;
    return n;
  }

  /** for metrics: restreams by state, and restarts of ffmpeg since start */
  stats(): { byState: Record<string, number>; restarts: number } {
    const byState: Record<string, number> = {};
    for (const r of this.#running.values()) {
      const s = r.status().state;
      byState[s] = (byState[s] ?? 0) + 1;
    }
    return { byState, restarts: this.#restarts };
  }

  /** stops every restream; idempotent */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(all.map((r) => r.stop()));
  }
}
