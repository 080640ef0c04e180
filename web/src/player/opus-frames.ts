/**
 * Decodes the stream's Opus frames with WebCodecs and hands out PCM with each frame's seq and
 * mixedAt. One chunk per 20 ms frame, timestamp seq x 20 000 µs; Opus gives one AudioData per
 * chunk, in order. A decoder that errors is closed by the browser; the next frame makes a new one.
 */
import { FRAME_MS, SAMPLE_RATE, type AudioFrame } from '../../../src/protocol/audience.js';

const FRAME_US = FRAME_MS * 1000;

export type PcmSink = (pcm: Float32Array, seq: number, mixedAt: number) => void;

export class OpusFrameDecoder {
  #decoder: AudioDecoder | null = null;
  /** frames sent to the decoder and not yet out, oldest first */
  #pending: { seq: number; mixedAt: number }[] = [];
  readonly #sink: PcmSink;

  constructor(sink: PcmSink) {
    this.#sink = sink;
  }

  decode(frame: AudioFrame): void {
    const decoder = this.#ensure();
    this.#pending.push({ seq: frame.seq, mixedAt: frame.mixedAt });
    decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: frame.seq * FRAME_US, data: frame.opus }));
  }

  /** Idempotent. */
  close(): void {
    if (this.#decoder && this.#decoder.state !== 'closed') this.#decoder.close();
    this.#decoder = null;
    this.#pending = [];
  }

  #ensure(): AudioDecoder {
    if (this.#decoder && this.#decoder.state !== 'closed') return this.#decoder;
    this.#pending = [];
    const decoder = new AudioDecoder({
      output: (data) => this.#output(data),
      error: (error) => console.warn('WsPlayer: Opus decoder error, starting a new one', error),
    });
    decoder.configure({ codec: 'opus', sampleRate: SAMPLE_RATE, numberOfChannels: 1 });
    this.#decoder = decoder;
    return decoder;
  }

  #output(data: AudioData): void {
    // match on timestamp when the decoder keeps it, else take the oldest pending frame
    const seqOfData = Math.round(data.timestamp / FRAME_US);
    let i = this.#pending.findIndex((p) => p.seq === seqOfData);
    if (i < 0 || i > 4) i = 0;
    const meta = this.#pending[i];
    this.#pending.splice(0, i + 1);
    const pcm = new Float32Array(data.numberOfFrames);
    data.copyTo(pcm, { planeIndex: 0, format: 'f32-planar' });
    data.close();
    if (meta) this.#sink(pcm, meta.seq, meta.mixedAt);
  }
}
