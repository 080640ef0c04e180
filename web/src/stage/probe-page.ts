/**
 * A diagnostics page script for the stage (bundled on the fly by test/e2e/stage-*.test.ts):
 * starts a StagePublisher on the fake mic and watches 440 Hz / 1 kHz on the mic and on each
 * received slot with AnalyserNodes, recording tone onsets on the wall clock (Date.now), which
 * two browser processes on one machine share.
 */
import { StagePublisher } from './whip-client.js';

interface Probe {
  analyser: AnalyserNode;
  bins: Float32Array<ArrayBuffer>;
  onsets: Record<number, number[]>;
  on: Record<number, boolean>;
}

const FREQS = [440, 1000] as const;
const probes = new Map<string, Probe>();
let ctx: AudioContext | null = null;
let publisher: StagePublisher | null = null;
const keep: HTMLAudioElement[] = [];

function probe(name: string, stream: MediaStream): void {
  if (!ctx) return;
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024; // 21 ms window, 47 Hz bins: fast onsets, tones still apart
  analyser.smoothingTimeConstant = 0;
  ctx.createMediaStreamSource(stream).connect(analyser);
  probes.set(name, { analyser, bins: new Float32Array(analyser.frequencyBinCount), onsets: {}, on: {} });
}

/** dB at `freq`: the strongest of the two nearest bins */
function levelDb(p: Probe, freq: number): number {
  const ctxRate = ctx?.sampleRate ?? 48_000;
  const i = Math.floor((freq / ctxRate) * p.analyser.fftSize);
  return Math.max(p.bins[i] ?? -200, p.bins[i + 1] ?? -200);
}

setInterval(() => {
  const now = Date.now();
  for (const p of probes.values()) {
    p.analyser.getFloatFrequencyData(p.bins);
    for (const f of FREQS) {
      const on = levelDb(p, f) > -50;
      if (on && !p.on[f]) (p.onsets[f] ??= []).push(now);
      p.on[f] = on;
    }
  }
}, 2);

const api = {
  async start(whipUrl: string, token: string): Promise<void> {
    ctx = new AudioContext({ sampleRate: 48_000 });
    const mic = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    probe('mic', mic);
    publisher = new StagePublisher({ whipUrl, token });
    publisher.onRemoteAudio = (slot, stream) => {
      // Chrome only pulls a remote WebRTC track into WebAudio if a media element plays it
      const el = new Audio();
      el.muted = true;
      el.srcObject = stream;
      void el.play();
      keep.push(el);
      probe(`slot${slot}`, stream);
    };
    await publisher.start(mic);
  },
  state: (): string => publisher?.connectionState ?? 'none',
  /** current dB at 440 Hz and 1 kHz per probe */
  levels(): Record<string, Record<number, number>> {
    const out: Record<string, Record<number, number>> = {};
    for (const [name, p] of probes) out[name] = Object.fromEntries(FREQS.map((f) => [f, levelDb(p, f)]));
    return out;
  },
  onsets(name: string, freq: number): number[] {
    return probes.get(name)?.onsets[freq] ?? [];
  },
  slotStats: () => publisher?.slotStats() ?? Promise.resolve({}),
  async stop(): Promise<void> {
    await publisher?.stop();
  },
};
(globalThis as unknown as { stage: typeof api }).stage = api;
