/**
 * Main-thread handle on one Space's mixer worker. Feed it speakers' Opus RTP payloads;
 * it emits one mixed AudioFrame every 20 ms (silence when nobody speaks) and levels about
 * every 200 ms. Lifecycle: running from construction until close() (idempotent); after
 * close() the worker is stopped and methods throw.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/worker-thread.js';
import type { AudioFrame } from '../protocol/audience.js';
import { TypedEmitter } from '../core/events.js';
import type { FromWorker, MixerStats, MixerWorkerData, ToWorker } from './mixer-messages.js';
import type { SpeechChunk } from './mixer-core.js';

export type { MixerStats } from './mixer-messages.js';
export type { SpeechChunk } from './mixer-core.js';
export { timelineSeq } from './mixer-timeline.js';

export interface MixerOptions {
  /** seq of the first frame (default 0); ignored when `timelineOrigin` is given */
  firstSeq?: number;
  /**
   * ms since epoch at which the Space's seq 0 would have been mixed (its creation time, which
   * every node knows). The first frame then gets `timelineSeq(start, origin)`, so a mixer that
   * starts later for the same Space (a new home after a failover, a restart) continues the
   * numbering past the gap instead of restarting at 0, and every node can derive the same
   * HLS segment numbers from it.
   */
  timelineOrigin?: number;
  /** ms between levels reports (default 200) */
  levelsEveryMs?: number;
}

export type MixerEvents = {
  frame: [AudioFrame];
  /** with the speech tap on, every ~200 ms: each speaker's 16 kHz audio, ending at `endsAt` ms */
  speech: [endsAt: number, chunks: SpeechChunk[]];
  levels: [Record<string, number>];
  error: [Error];
};

/** Starts the worker (built .js or under tsx: src/core/worker-thread.ts). */
function startWorker(workerData: MixerWorkerData): Worker {
  // @evan/opus's native addon segfaults when a worker thread exits (measured: exit code 139),
  // so the worker uses its WebAssembly build: ~0.34 ms encode + ~0.08 ms per speaker decode
  // per 20 ms tick on this machine, well within budget.
  const env = { ...process.env, OPUS_FORCE_WASM: '1' };
  return startModuleWorker(import.meta.url, './mixer-worker', { workerData, env });
}

export class Mixer {
  readonly events = new TypedEmitter<MixerEvents>();
  readonly #worker: Worker;
  #closed = false;
  #stats: MixerStats = { frames: 0, lateTicks: 0, skippedTicks: 0, framesWithVoice: 0, speakers: {} };

  constructor(options: MixerOptions = {}) {
    const workerData: MixerWorkerData = {
      firstSeq: options.firstSeq ?? 0,
      ...(options.timelineOrigin !== undefined && { timelineOrigin: options.timelineOrigin }),
      levelsEveryMs: options.levelsEveryMs ?? 200,
    };
    this.#worker = startWorker(workerData);
    this.#worker.on('message', (m: FromWorker) => {
      if (m.type === 'frame') this.events.safeEmit('frame', { seq: m.seq, mixedAt: m.mixedAt, opus: m.opus });
      else if (m.type === 'speech') this.events.safeEmit('speech', m.endsAt, m.chunks);
      else {
        this.#stats = m.stats;
        this.events.safeEmit('levels', m.levels);
      }
    });
    this.#worker.on('error', (e) => this.events.safeEmit('error', e));
  }

  /** latest stats reported by the worker (refreshed with each levels report) */
  get stats(): MixerStats {
    return this.#stats;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #send(m: ToWorker): void {
    if (this.#closed) throw new Error('Mixer is closed');
    this.#worker.postMessage(m);
  }

  /** One Opus RTP payload from speaker `id` (seq = RTP sequence number). */
  push(id: string, seq: number, payload: Uint8Array): void {
    if (this.#closed) throw new Error('Mixer is closed');
    // copy: a Buffer view would clone its whole backing pool; the copy is transferred, not cloned
    const own = new Uint8Array(payload);
    this.#worker.postMessage({ type: 'push', id, seq, payload: own } satisfies ToWorker, [own.buffer]);
  }

  setMuted(id: string, muted: boolean): void {
    this.#send({ type: 'mute', id, muted });
  }

  remove(id: string): void {
    this.#send({ type: 'remove', id });
  }

  /** captions on/off: the worker then posts each speaker's audio at 16 kHz ('speech') */
  setSpeechTap(on: boolean): void {
    this.#send({ type: 'speech_tap', on });
  }

  /** Stops the worker; resolves when the thread has exited. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    const timer = setTimeout(() => void this.#worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
    this.events.removeAllListeners();
  }
}
