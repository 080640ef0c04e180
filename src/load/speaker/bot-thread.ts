/**
 * The main thread's handle on the speaker bots, which run in a worker thread of their own
 * (bot-worker.ts says why). start() resolves once every bot publishes (or rejects with the
 * first bot's failure); read() returns what they measured; stop() stops them and ends the
 * thread (idempotent). A thread that dies makes pending calls reject instead of hanging.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/worker-thread.js';
import type { BotsReading, BotWorkerData, FromBots, ToBots } from './bot-messages.js';
import type { MeterPhase } from './stage-meter.js';

/** ms for the bots to stop and DELETE their sessions before the thread is terminated */
const STOP_TIMEOUT_MS = 5000;

export class SpeakerBotThread {
  readonly #worker: Worker;
  #waiters: { type: FromBots['type']; resolve: (m: FromBots) => void; reject: (e: Error) => void }[] = [];
  #exited: Error | null = null;
  #stopping: Promise<void> | null = null;

  private constructor(data: BotWorkerData) {
    this.#worker = startModuleWorker(import.meta.url, './bot-worker', {
      workerData: data,
      env: { ...process.env, OPUS_FORCE_WASM: '1' },
    });
    this.#worker.on('message', (m: FromBots) => {
      const at = this.#waiters.findIndex(
        (w) => w.type === m.type || (m.type === 'failed' && w.type === 'started'),
      );
      if (at < 0) return;
      const [w] = this.#waiters.splice(at, 1);
      w?.resolve(m);
    });
    const fail = (err: Error) => {
      this.#exited = err;
      for (const w of this.#waiters.splice(0)) w.reject(err);
    };
    this.#worker.once('error', fail);
    this.#worker.once('exit', (code) => fail(new Error(`speaker bot thread exited (${code})`)));
  }

  /** starts `data.tokens.length` bots; resolves when all publish */
  static async start(data: BotWorkerData): Promise<SpeakerBotThread> {
    const thread = new SpeakerBotThread(data);
    const m = await thread.#next('started');
    if (m.type === 'failed') {
      await thread.#worker.terminate();
      throw new Error(m.message);
    }
    return thread;
  }

  set phase(phase: MeterPhase) {
    this.#post({ type: 'phase', phase });
  }

  async read(): Promise<BotsReading> {
    const reply = this.#next('reading');
    this.#post({ type: 'read' });
    const m = await reply;
    if (m.type !== 'reading') throw new Error('speaker bot thread: unexpected reply');
    return m.reading;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#exited) {
        const stopped = this.#next('stopped').catch(() => undefined);
        this.#post({ type: 'stop' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
        clearTimeout(timer);
      }
      await this.#worker.terminate();
    })();
    return this.#stopping;
  }

  #post(m: ToBots): void {
    if (!this.#exited) this.#worker.postMessage(m);
  }

  #next(type: FromBots['type']): Promise<FromBots> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => this.#waiters.push({ type, resolve, reject }));
  }
}
