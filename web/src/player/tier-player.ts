/**
 * TierPlayer: plays a Space on the best tier it can get and moves down by itself.
 *
 *   start() (a click) ─▶ AudioContext unlocked once ─▶ WsPlayer (WebSocket tier, ~0.2 s behind)
 *        │  server says switch_tier hls (overflow, drain)          ─┐
 *        │  maxFailedConnects sockets in a row gave no audio        ├─▶ HlsPlayer (LL-HLS, ~1.5 s)
 *        │  audio stopped for stallMs (socket open or not)         ─┘   same AudioContext: no new click
 *        └─ `waiting` (the server's waiting room) is not a failure: position shown, no stall counted
 *
 * The WebSocket also carries bulletins; on HLS there are none, so the app polls the snapshot
 * (GET /v1/spaces/:id, cacheable 2 s). Moving back up to the WebSocket is not done (a listener
 * on HLS stays there until they press Play again). stop() is final and idempotent.
 */
import {
  SAMPLE_RATE,
  type AudienceClientMessage,
  type AudienceServerMessage,
} from '../../../src/protocol/audience.js';
import { HlsPlayer } from './hls-player.js';
import { WsPlayer, type PlayerState } from './ws-player.js';

export type ListenTier = 'websocket' | 'hls';

export interface TierPlayerOptions {
  /** ws:// URL of the listen socket, token included */
  listenUrl: string;
  /** a signed LL-HLS playlist URL (GET /v1/spaces/:id/media → hls) */
  hlsUrl: () => Promise<string>;
  onMessage?: (msg: AudienceServerMessage) => void;
  /** called when the tier changes (after start, and on a fallback) with the reason */
  onTier?: (tier: ListenTier, reason: string) => void;
  /** URL of the built jitter worklet */
  workletUrl: string;
  /** URL of the built hls.js bundle */
  hlsScriptUrl: string;
  /** failed sockets in a row (no audio between them) before moving to HLS; default 3 */
  maxFailedConnects?: number;
  /** ms without audio (outside the waiting room) before moving to HLS; default 8000 */
  stallMs?: number;
}

export interface TierStatus {
  tier: ListenTier | null;
  /** 'playing' once audio is audible on either tier; 'ended'/'stopped' are final */
  state: PlayerState | 'switching';
  /** behind the mixer (WS) or the live edge (HLS), ms; NaN if unknown */
  delayMs: number;
  /** place in the server's waiting room, or null */
  waitingPosition: number | null;
  /** why the current tier was chosen */
  reason: string;
}

export class TierPlayer {
  readonly #opts: Required<Omit<TierPlayerOptions, 'onMessage' | 'onTier'>> &
    Pick<TierPlayerOptions, 'onMessage' | 'onTier'>;
  #ctx: AudioContext | null = null;
  #ws: WsPlayer | null = null;
  #hls: HlsPlayer | null = null;
  #tier: ListenTier | null = null;
  #reason = '';
  #switching = false;
  #stopped = false;
  #waiting: number | null = null;
  #lastFrames = 0;
  #lastProgressAt = 0;
  #watch: ReturnType<typeof setInterval> | null = null;

  constructor(opts: TierPlayerOptions) {
    this.#opts = { maxFailedConnects: 3, stallMs: 8_000, ...opts };
  }

  get tier(): ListenTier | null {
    return this.#tier;
  }

  /** the HLS media element while on HLS (tests tap it) */
  get hlsElement(): HTMLAudioElement | null {
    return this.#hls?.element ?? null;
  }

  /** Unlocks audio and starts on the WebSocket tier. Call from a click. */
  async start(): Promise<void> {
    if (this.#ctx) throw new Error('TierPlayer.start: already started');
    const ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
    this.#ctx = ctx;
    void ctx.resume();
    this.#watch = setInterval(() => this.#check(), 1000);
    if (typeof AudioDecoder === 'undefined' || typeof AudioWorkletNode === 'undefined') {
      await this.#toHls('no_webcodecs');
      return;
    }
    const ws = new WsPlayer({
      url: this.#opts.listenUrl,
      context: ctx,
      workletUrl: this.#opts.workletUrl,
      onMessage: (msg) => this.#onMessage(msg),
    });
    this.#ws = ws;
    this.#setTier('websocket', 'default');
    this.#lastProgressAt = Date.now();
    await ws.start();
  }

  /** Sends a command on the listen socket; false when there is none (on HLS, or reconnecting). */
  send(msg: AudienceClientMessage): boolean {
    if (this.#tier !== 'websocket' || !this.#ws) return false;
    this.#ws.send(msg);
    return true;
  }

  status(): TierStatus {
    const base = { tier: this.#tier, waitingPosition: this.#waiting, reason: this.#reason };
    if (this.#stopped) return { ...base, state: 'stopped', delayMs: Number.NaN };
    if (this.#switching) return { ...base, state: 'switching', delayMs: Number.NaN };
    if (this.#hls) {
      const s = this.#hls.stats();
      const state = s.state === 'playing' ? 'playing' : s.state === 'stopped' ? 'stopped' : 'buffering';
      const delayMs = Number.isFinite(s.delayMs) ? s.delayMs : s.latencyS * 1000;
      return { ...base, state, delayMs };
    }
    const s = this.#ws?.stats();
    return { ...base, state: s?.state ?? 'idle', delayMs: s?.delayMs ?? Number.NaN };
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#watch) clearInterval(this.#watch);
    this.#ws?.stop();
    this.#hls?.stop();
    void this.#ctx?.close();
  }

  #onMessage(msg: AudienceServerMessage): void {
    if (msg.type === 'waiting') this.#waiting = msg.position;
    else if (msg.type === 'welcome') this.#waiting = null;
    if (msg.type === 'switch_tier' && msg.tier !== 'websocket') {
      // ogg has no player here; LL-HLS carries the same stream
      void this.#toHls(msg.reason || 'server', msg.tier === 'hls' ? msg.url : undefined);
    }
    this.#opts.onMessage?.(msg);
  }

  /** once a second: decides whether the WebSocket tier is failing */
  #check(): void {
    const ws = this.#ws;
    if (this.#tier !== 'websocket' || !ws || this.#switching || this.#stopped) return;
    const s = ws.stats();
    if (s.state === 'ended' || s.state === 'stopped') return; // refused for good, or the app's call
    const now = Date.now();
    if (s.framesReceived > this.#lastFrames || this.#waiting !== null) this.#lastProgressAt = now;
    // a socket that is open but has never carried audio (backstage, nobody live) is not failing
    if (s.framesReceived === 0 && s.state === 'buffering') this.#lastProgressAt = now;
    this.#lastFrames = s.framesReceived;
    if (s.failedConnects >= this.#opts.maxFailedConnects) void this.#toHls('websocket_failing');
    else if (now - this.#lastProgressAt > this.#opts.stallMs) void this.#toHls('websocket_stalled');
  }

  async #toHls(reason: string, url?: string): Promise<void> {
    if (this.#hls || this.#switching || this.#stopped || !this.#ctx) return;
    this.#switching = true;
    this.#waiting = null;
    this.#ws?.stop();
    this.#ws = null;
    try {
      const playlist = url ?? (await this.#mediaUrl());
      if (this.#stopped) return;
      const hls = new HlsPlayer({
        url: playlist,
        context: this.#ctx,
        scriptUrl: this.#opts.hlsScriptUrl,
        refreshUrl: () => this.#opts.hlsUrl(),
      });
      this.#hls = hls;
      this.#setTier('hls', reason);
      await hls.start();
    } finally {
      this.#switching = false;
    }
  }

  /** GET /media with jittered retries (a storm's listeners must not come back in lockstep) */
  async #mediaUrl(): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#opts.hlsUrl();
      } catch (err) {
        if (this.#stopped || attempt >= 5) throw err;
        const exp = Math.min(15_000, 500 * 2 ** attempt);
        await new Promise((r) => setTimeout(r, exp / 2 + Math.random() * (exp / 2)));
      }
    }
  }

  #setTier(tier: ListenTier, reason: string): void {
    this.#tier = tier;
    this.#reason = reason;
    try {
      this.#opts.onTier?.(tier, reason);
    } catch (error) {
      console.error('TierPlayer onTier threw', error);
    }
  }
}
