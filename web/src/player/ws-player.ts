/**
 * WsPlayer: plays a Space's mixed stream from the audience WebSocket in a browser.
 *
 *   WebSocket (binary batches) -> decodeAudioBatch -> OpusFrameDecoder (WebCodecs AudioDecoder)
 *     -> AudioWorklet jitter buffer (jitter-worklet.ts) -> speakers
 *   WebSocket (text) -> JSON bulletins -> onMessage
 *
 * Lifecycle:
 *   idle --start()--> connecting --open--> buffering <-> playing
 *                        ^                      | socket dropped (retryable code)
 *                        +---- reconnecting <---+
 *   'ended'/'removed' bulletin or a final close code -> ended;  stop() -> stopped (both final)
 */
import { carryToken } from './carry-token.js';
import {
  decodeAudioBatch,
  FRAME_MS,
  SAMPLE_RATE,
  type AudienceClientMessage,
  type AudienceServerMessage,
} from '../../../src/protocol/audience.js';
import type { JitterStats } from './jitter-ring.js';
import { OpusFrameDecoder } from './opus-frames.js';
import { reconnectDelayMs, shouldReconnect } from './reconnect.js';
import {
  JITTER_PROCESSOR,
  type TargetToWorklet,
  type FrameToWorklet,
  type JitterProcessorOptions,
  type StatsFromWorklet,
} from './worklet-messages.js';

export type PlayerState =
  'idle' | 'connecting' | 'buffering' | 'playing' | 'reconnecting' | 'ended' | 'stopped';

/** how long the widest recent batch keeps the playout target up, ms */
const WINDOW_MEMORY_MS = 10_000;

export interface WsPlayerOptions {
  /** ws:// or wss:// URL of the listen socket, token included */
  url: string;
  onMessage?: (msg: AudienceServerMessage) => void;
  /** playout delay the jitter buffer builds up, ms; default 150 */
  targetDelayMs?: number;
  /** URL of the built jitter worklet; default '/jitter-worklet.js' */
  workletUrl?: string;
  /** a socket silent this long is presumed dead and reopened, ms; default 10000 */
  idleTimeoutMs?: number;
  /**
   * an AudioContext to play into (48 kHz), e.g. one unlocked by an earlier click and shared with
   * the HLS tier; the player then leaves it open when it stops. Default: its own, closed on stop.
   */
  context?: AudioContext;
}

export interface WsPlayerStats {
  state: PlayerState;
  /** Opus frames received in batches */
  framesReceived: number;
  /** frames the decoder turned into PCM */
  framesDecoded: number;
  /** times playout ran dry (silence played) */
  underruns: number;
  /** seq gaps filled with silence */
  gaps: number;
  /** frames lost in those gaps */
  missingFrames: number;
  /** PCM waiting in the jitter buffer, ms */
  bufferedMs: number;
  /** Date.now() - mixedAt of the audio playing now, ms (includes any client/server clock skew) */
  delayMs: number;
  /** sockets opened, the first included */
  connects: number;
  /** binary or text messages that could not be understood */
  badMessages: number;
  /** sockets that closed (or failed to open) in a row without delivering audio */
  failedConnects: number;
}

export class WsPlayer {
  /** tap of decoded audio (a copy), for tests and meters */
  onPcm?: (pcm: Float32Array, mixedAt: number) => void;
  readonly #opts: Required<Omit<WsPlayerOptions, 'onMessage' | 'context'>> &
    Pick<WsPlayerOptions, 'onMessage' | 'context'>;
  #state: PlayerState = 'idle';
  #ctx: AudioContext | null = null;
  #node: AudioWorkletNode | null = null;
  /** the widest batch lately (frames) and when it came */
  #widest = { frames: 0, at: 0 };
  /** the playout target the worklet has now, ms */
  #targetMs = 0;
  readonly #decoder = new OpusFrameDecoder((pcm, seq, mixedAt) => this.#onPcm(pcm, seq, mixedAt));
  #ws: WebSocket | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #attempt = 0;
  #lastMessageAt = 0;
  #jitter: JitterStats | null = null;
  readonly #counts = { framesReceived: 0, framesDecoded: 0, connects: 0, badMessages: 0 };

  constructor(opts: WsPlayerOptions) {
    this.#opts = {
      url: opts.url,
      onMessage: opts.onMessage,
      targetDelayMs: opts.targetDelayMs ?? 150,
      workletUrl: opts.workletUrl ?? '/jitter-worklet.js',
      idleTimeoutMs: opts.idleTimeoutMs ?? 10_000,
      context: opts.context,
    };
  }

  /** Sets up audio and opens the socket. Call from a user gesture (autoplay policy). */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`WsPlayer.start: already ${this.#state}`);
    if (typeof AudioDecoder === 'undefined' || typeof AudioWorkletNode === 'undefined') {
      throw new Error('WsPlayer: this browser lacks WebCodecs or AudioWorklet; use the HLS tier');
    }
    this.#state = 'connecting';
    const ctx =
      this.#opts.context ?? new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
    this.#ctx = ctx;
    void ctx.resume();
    try {
      await ctx.audioWorklet.addModule(this.#opts.workletUrl);
    } catch (error) {
      this.#finish('stopped');
      throw new Error(`WsPlayer: cannot load the jitter worklet from ${this.#opts.workletUrl}`, {
        cause: error,
      });
    }
    if (this.#isFinal()) return;
    const processorOptions: JitterProcessorOptions = { targetMs: this.#opts.targetDelayMs };
    const node = new AudioWorkletNode(ctx, JITTER_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions,
    });
    node.port.onmessage = (e: MessageEvent<StatsFromWorklet>) => {
      if (e.data.type === 'stats') this.#jitter = e.data.stats;
    };
    node.connect(ctx.destination);
    this.#node = node;
    this.#watchdog = setInterval(() => this.#checkIdle(), 1000);
    this.#connect();
  }

  /** Sends a command (reaction, hand raise, ...). Dropped while not connected. */
  send(msg: AudienceClientMessage): void {
    if (this.#isFinal()) throw new Error(`WsPlayer.send: the player is ${this.#state}`);
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(msg));
  }

  /** Stops for good: closes the socket, decoder and audio. Idempotent. */
  stop(): void {
    this.#finish('stopped');
  }

  stats(): WsPlayerStats {
    const j = this.#jitter;
    const open = this.#ws?.readyState === WebSocket.OPEN;
    let state = this.#state;
    // 'playing' here means audio is flowing; whether it is audible yet is the jitter buffer's call
    if (state === 'playing' && j?.state !== 'playing') state = 'buffering';
    else if (open && (state === 'connecting' || state === 'reconnecting')) state = 'buffering';
    return {
      state,
      ...this.#counts,
      underruns: j?.underruns ?? 0,
      gaps: j?.gaps ?? 0,
      missingFrames: j?.missingFrames ?? 0,
      bufferedMs: j?.bufferedMs ?? 0,
      delayMs: j?.delayMs ?? Number.NaN,
      failedConnects: this.#attempt,
    };
  }

  get state(): PlayerState {
    return this.stats().state;
  }

  #connect(): void {
    const ws = new WebSocket(this.#opts.url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#lastMessageAt = Date.now();
    ws.onopen = () => {
      this.#counts.connects++;
      this.#lastMessageAt = Date.now();
    };
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (this.#ws !== ws) return;
      this.#lastMessageAt = Date.now();
      if (typeof e.data === 'string') this.#onText(e.data);
      else this.#onBatch(new Uint8Array(e.data));
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.#ws !== ws || this.#isFinal()) return;
      this.#ws = null;
      if (shouldReconnect(e.code)) this.#scheduleReconnect();
      else this.#finish('ended');
    };
  }

  #scheduleReconnect(delayMs = reconnectDelayMs(this.#attempt++)): void {
    this.#state = 'reconnecting';
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#isFinal()) this.#connect();
    }, delayMs);
  }

  #onBatch(bytes: Uint8Array): void {
    const frames = decodeAudioBatch(bytes);
    if (!frames) {
      this.#counts.badMessages++;
      return;
    }
    this.#followBatchWindow(frames.length);
    this.#attempt = 0; // audio flows again: the next drop starts the backoff afresh
    if (this.#state !== 'playing') this.#state = 'playing';
    for (const f of frames) {
      this.#counts.framesReceived++;
      this.#decoder.decode(f);
    }
  }

  #onText(text: string): void {
    let msg: AudienceServerMessage;
    try {
      msg = JSON.parse(text) as AudienceServerMessage;
      if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') throw new Error('no type');
    } catch {
      this.#counts.badMessages++;
      return;
    }
    try {
      this.#opts.onMessage?.(msg);
    } catch (error) {
      console.error('WsPlayer onMessage threw', error);
    }
    if (msg.type === 'ended' || msg.type === 'removed') {
      this.#finish('ended');
    } else if (msg.type === 'switch_tier') {
      if (msg.tier !== 'websocket') {
        this.#finish('stopped');
        return;
      }
      this.#opts.url = carryToken(this.#opts.url, msg.url);
      const old = this.#ws;
      this.#ws = null;
      old?.close(1000, 'switching');
      this.#scheduleReconnect(Math.random() * 1000);
    }
  }

  /**
   * The server widens its batches under load (up to 400 ms); a playout buffer shorter than one
   * batch would run dry between batches. So the target follows the widest batch of the last
   * 10 s, plus 100 ms of margin, and never goes below the configured target.
   */
  #followBatchWindow(frames: number): void {
    const now = Date.now();
    const widest = this.#widest;
    if (frames >= widest.frames || now - widest.at > WINDOW_MEMORY_MS) this.#widest = { frames, at: now };
    const want = Math.max(this.#opts.targetDelayMs, this.#widest.frames * FRAME_MS + 100);
    if (Math.abs(want - this.#targetMs) < FRAME_MS || !this.#node) return;
    this.#targetMs = want;
    const msg: TargetToWorklet = { type: 'target', targetMs: want };
    this.#node.port.postMessage(msg);
  }

  #onPcm(pcm: Float32Array, seq: number, mixedAt: number): void {
    if (!this.#node) return;
    this.#counts.framesDecoded++;
    if (this.onPcm) {
      try {
        this.onPcm(pcm.slice(), mixedAt);
      } catch (error) {
        console.error('WsPlayer onPcm threw', error);
      }
    }
    const msg: FrameToWorklet = { type: 'frame', seq, mixedAt, pcm };
    this.#node.port.postMessage(msg, [pcm.buffer]);
  }

  #checkIdle(): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.#lastMessageAt < this.#opts.idleTimeoutMs) return;
    this.#ws = null;
    ws.close(4000, 'idle');
    this.#scheduleReconnect();
  }

  #isFinal(): boolean {
    return this.#state === 'ended' || this.#state === 'stopped';
  }

  #finish(state: 'ended' | 'stopped'): void {
    if (this.#isFinal()) return;
    this.#state = state;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#watchdog) clearInterval(this.#watchdog);
    const ws = this.#ws;
    this.#ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, state);
    this.#decoder.close();
    this.#node?.disconnect();
    this.#node = null;
    if (this.#ctx !== this.#opts.context) void this.#ctx?.close();
  }
}
