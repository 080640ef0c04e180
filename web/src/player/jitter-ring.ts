/**
 * The playout jitter buffer, as plain logic (no Web Audio types) so it runs in the AudioWorklet
 * and in Node tests alike. PCM of consecutive 20 ms frames goes into one Float32 ring; the audio
 * thread reads 128-sample quanta out of it.
 *
 *   buffering --(buffered >= target)--> playing --(ring ran dry: underrun, silence)--> buffering
 *
 * - seq gap of <= maxGapFrames: that many frames of silence are inserted (counted as a gap);
 *   not while rebuffering after an underrun, when the output was silent through the gap anyway
 * - bigger jump (e.g. after a reconnect) or a jump backwards: resync, rebuffer from the new frame
 * - a frame older than the one expected (late or duplicate): dropped
 * - buffered > maxMs: skip ahead to the target, so delay cannot grow without bound
 */
export type JitterState = 'buffering' | 'playing';

export interface JitterOptions {
  /** samples per second of the PCM written and read; default 48000 */
  sampleRate?: number;
  /** playout delay to build up before playing, ms; default 150 */
  targetMs?: number;
  /** buffered audio above which the ring skips ahead to targetMs, ms; default targetMs * 2 + 100 */
  maxMs?: number;
  /** ring size, ms; default max(2000, maxMs * 2) */
  capacityMs?: number;
  /** longest seq gap filled with silence, frames; default 50 (1 s) */
  maxGapFrames?: number;
  /** samples per frame, used to size inserted silence; default 960 */
  frameSamples?: number;
}

export interface JitterStats {
  state: JitterState;
  /** times playout ran dry and silence was played instead */
  underruns: number;
  /** seq gaps filled with silence */
  gaps: number;
  /** frames missing in those gaps */
  missingFrames: number;
  /** times the ring skipped ahead to cut delay (or overflowed) */
  skips: number;
  /** late or duplicate frames dropped */
  lateFrames: number;
  /** times the stream was resynchronised after a big seq jump */
  resyncs: number;
  /** frames written */
  framesIn: number;
  /** PCM waiting to be played, ms */
  bufferedMs: number;
  /** Date.now() - mixedAt of the sample playing now, ms (NaN before the first playout) */
  delayMs: number;
}

interface Mark {
  /** absolute sample index where the frame starts */
  at: number;
  /** mixedAt of that frame, ms since epoch */
  mixedAt: number;
}

export class JitterRing {
  readonly sampleRate: number;
  targetSamples: number;
  maxSamples: number;
  readonly #ring: Float32Array;
  readonly #maxGap: number;
  readonly #frameSamples: number;
  /** absolute sample counters: #w written, #r read; buffered = #w - #r */
  #w = 0;
  #r = 0;
  #marks: Mark[] = [];
  #expected: number | null = null;
  #state: JitterState = 'buffering';
  #delayMs = Number.NaN;
  readonly #counts = {
    underruns: 0,
    gaps: 0,
    missingFrames: 0,
    skips: 0,
    lateFrames: 0,
    resyncs: 0,
    framesIn: 0,
  };

  constructor(options: JitterOptions = {}) {
    this.sampleRate = options.sampleRate ?? 48_000;
    const targetMs = options.targetMs ?? 150;
    const maxMs = options.maxMs ?? targetMs * 2 + 100;
    const capacityMs = options.capacityMs ?? Math.max(2000, maxMs * 2);
    const perMs = this.sampleRate / 1000;
    this.targetSamples = Math.round(targetMs * perMs);
    this.maxSamples = Math.round(maxMs * perMs);
    this.#ring = new Float32Array(Math.round(capacityMs * perMs));
    this.#maxGap = options.maxGapFrames ?? 50;
    this.#frameSamples = options.frameSamples ?? 960;
  }

  /**
   * Moves the target (and the skip-ahead ceiling, 2 x target + 100 ms) while playing, e.g. when
   * the server widens its batches: a buffer shorter than one batch runs dry between batches.
   * Capped by what the ring can hold.
   */
  setTargetMs(targetMs: number): void {
    const perMs = this.sampleRate / 1000;
    const cap = this.#ring.length / 2;
    this.targetSamples = Math.min(cap, Math.round(targetMs * perMs));
    this.maxSamples = Math.min(
      this.#ring.length - this.#frameSamples,
      Math.round((targetMs * 2 + 100) * perMs),
    );
  }

  get buffered(): number {
    return this.#w - this.#r;
  }

  /** Adds one decoded frame. `seq` is the uint32 frame number, `mixedAt` ms since epoch. */
  write(seq: number, mixedAt: number, pcm: Float32Array): void {
    if (this.#expected !== null) {
      const ahead = (seq - this.#expected) >>> 0;
      const behind = (this.#expected - seq) >>> 0;
      if (ahead !== 0 && ahead <= this.#maxGap) {
        this.#counts.gaps++;
        this.#counts.missingFrames += ahead;
        // while rebuffering the output is silent already: adding silence would only add delay
        if (this.#state === 'playing') this.#fillSilence(ahead, mixedAt);
      } else if (ahead !== 0 && behind <= this.#maxGap) {
        this.#counts.lateFrames++;
        return;
      } else if (ahead !== 0) {
        this.#counts.resyncs++;
        this.#r = this.#w;
        this.#marks = [];
        this.#state = 'buffering';
      }
    }
    this.#expected = (seq + 1) >>> 0;
    this.#counts.framesIn++;
    this.#append(pcm, pcm.length, mixedAt);
    if (this.#state === 'buffering' && this.buffered >= this.targetSamples) this.#state = 'playing';
    if (this.buffered > this.maxSamples) {
      this.#counts.skips++;
      this.#advance(this.buffered - this.targetSamples);
    }
  }

  /** Fills `out` with the next samples, or silence while buffering / on underrun. */
  read(out: Float32Array, now: number): void {
    if (this.#state === 'buffering') {
      out.fill(0);
      return;
    }
    const n = Math.min(out.length, this.buffered);
    const cap = this.#ring.length;
    const start = this.#r % cap;
    const first = Math.min(n, cap - start);
    out.set(this.#ring.subarray(start, start + first), 0);
    if (n > first) out.set(this.#ring.subarray(0, n - first), first);
    if (n < out.length) out.fill(0, n);
    this.#delayMs = this.#delayAt(this.#r, now);
    this.#advance(n);
    if (n < out.length) {
      this.#counts.underruns++;
      this.#state = 'buffering';
    }
  }

  stats(): JitterStats {
    return {
      state: this.#state,
      ...this.#counts,
      bufferedMs: (this.buffered * 1000) / this.sampleRate,
      delayMs: this.#delayMs,
    };
  }

  /** Inserts `frames` frames of silence that end where the frame mixed at `nextMixedAt` starts. */
  #fillSilence(frames: number, nextMixedAt: number): void {
    const frameMs = (this.#frameSamples * 1000) / this.sampleRate;
    for (let i = frames; i >= 1; i--) this.#append(null, this.#frameSamples, nextMixedAt - i * frameMs);
  }

  #append(pcm: Float32Array | null, length: number, mixedAt: number): void {
    const cap = this.#ring.length;
    if (length > cap) return;
    if (this.buffered + length > cap) {
      this.#counts.skips++;
      this.#advance(this.buffered + length - cap);
    }
    this.#marks.push({ at: this.#w, mixedAt });
    const start = this.#w % cap;
    const first = Math.min(length, cap - start);
    if (pcm) {
      this.#ring.set(pcm.subarray(0, first), start);
      if (length > first) this.#ring.set(pcm.subarray(first), 0);
    } else {
      this.#ring.fill(0, start, start + first);
      if (length > first) this.#ring.fill(0, 0, length - first);
    }
    this.#w += length;
  }

  /** Moves the read point forward by `n` samples and forgets marks left fully behind. */
  #advance(n: number): void {
    this.#r += n;
    while (this.#marks.length > 1 && this.#marks[1]!.at <= this.#r) this.#marks.shift();
  }

  #delayAt(sample: number, now: number): number {
    const mark = this.#marks[0];
    if (!mark || mark.at > sample) return this.#delayMs;
    return now - (mark.mixedAt + ((sample - mark.at) * 1000) / this.sampleRate);
  }
}
