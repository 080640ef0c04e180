/**
 * AudioWorklet processor: plays decoded PCM through a JitterRing. Built as its own bundle
 * (web/dist/jitter-worklet.js) and loaded with audioWorklet.addModule(url). It runs on the
 * audio thread, where the DOM does not exist; the worklet globals are reached through `scope`.
 */
import { JitterRing } from './jitter-ring.js';
import {
  JITTER_PROCESSOR,
  type FrameToWorklet,
  type JitterProcessorOptions,
  type StatsFromWorklet,
  type TargetToWorklet,
} from './worklet-messages.js';

interface ProcessorBase {
  readonly port: MessagePort;
}
interface WorkletScope {
  AudioWorkletProcessor: new () => ProcessorBase;
  registerProcessor(name: string, ctor: new (options: AudioWorkletNodeOptions) => ProcessorBase): void;
  sampleRate: number;
}
const scope = globalThis as unknown as WorkletScope;

/** samples of played audio between two stats messages (~100 ms at 48 kHz) */
const STATS_EVERY = 4800;

class JitterProcessor extends scope.AudioWorkletProcessor {
  readonly #ring: JitterRing;
  #sinceStats = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super();
    const opts = options.processorOptions as Partial<JitterProcessorOptions> | undefined;
    this.#ring = new JitterRing({ sampleRate: scope.sampleRate, targetMs: opts?.targetMs ?? 150 });
    this.port.onmessage = (e: MessageEvent<FrameToWorklet | TargetToWorklet>) => {
      if (e.data.type === 'frame') this.#ring.write(e.data.seq, e.data.mixedAt, e.data.pcm);
      else if (e.data.type === 'target') this.#ring.setTargetMs(e.data.targetMs);
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true;
    this.#ring.read(first, Date.now());
    for (let c = 1; c < channels.length; c++) channels[c]!.set(first);
    this.#sinceStats += first.length;
    if (this.#sinceStats >= STATS_EVERY) {
      this.#sinceStats = 0;
      const msg: StatsFromWorklet = { type: 'stats', stats: this.#ring.stats() };
      this.port.postMessage(msg);
    }
    return true;
  }
}

scope.registerProcessor(JITTER_PROCESSOR, JitterProcessor);
