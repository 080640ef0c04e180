/**
 * The mixer's work for one Space, free of threads and timers so it can be unit tested:
 * per speaker a jitter buffer and an Opus decoder; `tick()` decodes one 20 ms frame per
 * unmuted speaker, sums, limits and encodes ONE Opus packet (48 kHz mono, ~32 kbps).
 * The worker (mixer-worker.ts) drives `tick()` from a TickClock.
 */
import { Decoder, Encoder } from '@evan/opus';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../protocol/audience.js';
import { JitterBuffer, type JitterStats } from './jitter-buffer.js';
import { Limiter } from './limiter.js';

/** bits per second of the mixed stream */
export const MIX_BITRATE = 32_000;

export interface SpeakerStats extends JitterStats {
  muted: boolean;
}

interface Speaker {
  jitter: JitterBuffer;
  decoder: Decoder;
  /** decoded samples not yet mixed (a packet may hold more or less than one frame) */
  pending: Int16Array;
  muted: boolean;
  /** loudest frame RMS (0..1 of full scale) since the last levels report */
  peakRms: number;
  /** 16 kHz copy of this speaker's audio since the last takeSpeech(), when the tap is on */
  speech: SpeechTap | null;
}

/** one speaker's decoded audio for captions, downsampled to 16 kHz */
interface SpeechTap {
  pcm: Int16Array;
  /** samples in use */
  length: number;
}

/** A speaker's audio since the last takeSpeech(), 16 kHz mono; it ends with the last tick. */
export interface SpeechChunk {
  id: string;
  pcm: Int16Array;
}

/** 48 kHz -> 16 kHz: samples of the mix per sample of the speech tap */
const SPEECH_DECIMATION = 3;
const SPEECH_FRAME = FRAME_SAMPLES / SPEECH_DECIMATION;
/** ticks the tap holds before it stops growing (takeSpeech() is called every ~10) */
const SPEECH_MAX_TICKS = 100;

const EMPTY = new Int16Array(0);

export class MixerCore {
  readonly #speakers = new Map<string, Speaker>();
  readonly #encoder: Encoder;
  readonly #limiter = new Limiter();
  readonly #sum = new Float32Array(FRAME_SAMPLES);
  framesProduced = 0;
  #speechTap = false;
  /** frames in which at least one speaker contributed audio */
  framesWithVoice = 0;

  constructor() {
    this.#encoder = new Encoder({ channels: 1, sample_rate: SAMPLE_RATE, application: 'voip' });
    this.#encoder.bitrate = MIX_BITRATE;
  }

  #speaker(id: string): Speaker {
    let s = this.#speakers.get(id);
    if (!s) {
      s = {
        jitter: new JitterBuffer(),
        decoder: new Decoder({ channels: 1, sample_rate: SAMPLE_RATE }),
        pending: EMPTY,
        muted: false,
        peakRms: 0,
        speech: null,
      };
      this.#speakers.set(id, s);
    }
    return s;
  }

  /** One RTP payload (Opus) from a speaker. Muted speakers' packets are dropped here too. */
  push(id: string, seq: number, payload: Uint8Array): void {
    const s = this.#speaker(id);
    if (s.muted) return;
    s.jitter.push(seq, payload);
  }

  setMuted(id: string, muted: boolean): void {
    const s = this.#speaker(id);
    s.muted = muted;
    if (muted) {
      s.jitter.reset();
      s.pending = EMPTY;
    }
  }

  remove(id: string): void {
    this.#speakers.delete(id);
  }

  /**
   * Captions: while on, each speaker's decoded audio (silence while muted or idle, so the
   * recogniser hears the pauses that end utterances) is kept at 16 kHz for takeSpeech(). Off
   * drops what was kept. The tap copies samples the mix decodes anyway: no extra decoding.
   */
  setSpeechTap(on: boolean): void {
    this.#speechTap = on;
    if (!on) for (const s of this.#speakers.values()) s.speech = null;
  }

  /** Each speaker's tapped audio since the last call (empty when the tap is off). */
  takeSpeech(): SpeechChunk[] {
    const out: SpeechChunk[] = [];
    for (const [id, s] of this.#speakers) {
      if (!s.speech || s.speech.length === 0) continue;
      out.push({ id, pcm: s.speech.pcm.slice(0, s.speech.length) });
      s.speech = null;
    }
    return out;
  }

  /** Produces the next 20 ms of the mix as one Opus packet. */
  tick(): Uint8Array {
    const sum = this.#sum;
    sum.fill(0);
    let voiced = false;
    for (const s of this.#speakers.values()) {
      const frame = s.muted ? null : this.#frameOf(s);
      if (this.#speechTap) this.#tap(s, frame);
      if (!frame) continue;
      voiced = true;
      let energy = 0;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const v = frame[i] ?? 0;
        sum[i] = (sum[i] ?? 0) + v;
        energy += v * v;
      }
      const rms = Math.sqrt(energy / FRAME_SAMPLES) / 32768;
      if (rms > s.peakRms) s.peakRms = rms;
    }
    const pcm = this.#limiter.process(sum);
    this.framesProduced++;
    if (voiced) this.framesWithVoice++;
    return this.#encoder.encode(pcm);
  }

  /** appends one frame (or silence) to a speaker's speech tap, box-filtered down to 16 kHz */
  #tap(s: Speaker, frame: Int16Array | null): void {
    s.speech ??= { pcm: new Int16Array(SPEECH_FRAME * 10), length: 0 };
    const tap = s.speech;
    if (tap.length + SPEECH_FRAME > SPEECH_MAX_TICKS * SPEECH_FRAME) return; // nobody takes it
    if (tap.length + SPEECH_FRAME > tap.pcm.length) {
      const grown = new Int16Array(tap.pcm.length * 2);
      grown.set(tap.pcm);
      tap.pcm = grown;
    }
    if (frame) {
      for (let i = 0, j = 0; i < SPEECH_FRAME; i++, j += SPEECH_DECIMATION) {
        tap.pcm[tap.length + i] = Math.round(
          ((frame[j] ?? 0) + (frame[j + 1] ?? 0) + (frame[j + 2] ?? 0)) / 3,
        );
      }
    } else {
      tap.pcm.fill(0, tap.length, tap.length + SPEECH_FRAME);
    }
    tap.length += SPEECH_FRAME;
  }

  /** Pulls packets until one frame of decoded audio is ready; null when the speaker is idle. */
  #frameOf(s: Speaker): Int16Array | null {
    let guard = 0;
    while (s.pending.length < FRAME_SAMPLES && guard++ < 6) {
      const pull = s.jitter.pull();
      if (pull.kind === 'idle') break;
      let decoded: Int16Array;
      if (pull.kind === 'packet') {
        try {
          const bytes = s.decoder.decode(pull.payload);
          decoded = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
        } catch {
          decoded = new Int16Array(FRAME_SAMPLES); // undecodable packet: silence
        }
      } else {
        decoded = new Int16Array(FRAME_SAMPLES); // lost packet: silence (no PLC in binding)
      }
      const merged = new Int16Array(s.pending.length + decoded.length);
      merged.set(s.pending);
      merged.set(decoded, s.pending.length);
      s.pending = merged;
    }
    if (s.pending.length < FRAME_SAMPLES) {
      s.pending = EMPTY;
      return null;
    }
    const frame = s.pending.subarray(0, FRAME_SAMPLES);
    s.pending = s.pending.subarray(FRAME_SAMPLES);
    return frame;
  }

  /** Peak per-speaker level (0..1, RMS of a frame, full-scale sine ~0.71) since the last call. */
  takeLevels(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, s] of this.#speakers) {
      out[id] = s.muted ? 0 : Math.min(1, Math.round(s.peakRms * Math.SQRT2 * 1000) / 1000);
      s.peakRms = 0;
    }
    return out;
  }

  speakerStats(): Record<string, SpeakerStats> {
    const out: Record<string, SpeakerStats> = {};
    for (const [id, s] of this.#speakers) out[id] = { ...s.jitter.stats, muted: s.muted };
    return out;
  }
}
