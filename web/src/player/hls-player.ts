/**
 * HlsPlayer: plays a Space's LL-HLS stream (fMP4/Opus parts, blocking playlist reload) with
 * hls.js, or natively where the browser plays HLS itself (Safari).
 *
 *   signed playlist URL -> hls.js (lazily imported bundle) -> <audio> (not in the DOM)
 *     -> MediaElementAudioSourceNode -> the shared AudioContext (already unlocked by Play)
 *
 * Routing the element through the AudioContext that the first click unlocked is what lets a
 * listener move here without another gesture. Lifecycle: idle -> loading -> playing (stats
 * say 'stalled' while the element waits for data); stop() is final and idempotent.
 */
import type HlsType from 'hls.js';

export interface HlsPlayerOptions {
  /** playlist URL (absolute, or relative to the page) */
  url: string;
  /** a running AudioContext to play into */
  context: AudioContext;
  /** URL of the built hls.js bundle (web/dist/hls.js) */
  scriptUrl: string;
  /** a fresh signed URL when the current one is refused (tokens expire); optional */
  refreshUrl?: () => Promise<string>;
}

export type HlsState = 'idle' | 'loading' | 'playing' | 'stalled' | 'stopped';

export interface HlsPlayerStats {
  state: HlsState;
  /** hls.js's estimate of how far behind the live edge playback is, s (NaN natively) */
  latencyS: number;
  /** wall clock minus the PROGRAM-DATE-TIME of what is playing, ms (NaN if unknown) */
  delayMs: number;
  /** seconds of media played */
  currentTime: number;
  /** fatal errors recovered from */
  recoveries: number;
}

type HlsModule = { Hls: typeof HlsType };
/** one import per page, whatever the number of players */
let loading: Promise<HlsModule> | null = null;

export class HlsPlayer {
  readonly #opts: HlsPlayerOptions;
  readonly #el: HTMLAudioElement;
  #source: MediaElementAudioSourceNode | null = null;
  #hls: HlsType | null = null;
  #state: HlsState = 'idle';
  #recoveries = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: HlsPlayerOptions) {
    this.#opts = opts;
    this.#el = document.createElement('audio');
    // media may come from a CDN origin; without CORS the audio graph would get silence
    this.#el.crossOrigin = 'anonymous';
    this.#el.preload = 'auto';
    this.#el.dataset.tier = 'hls';
  }

  /** the media element (tests tap it; apps may show it) */
  get element(): HTMLAudioElement {
    return this.#el;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`HlsPlayer.start: already ${this.#state}`);
    this.#state = 'loading';
    const ctx = this.#opts.context;
    this.#source = ctx.createMediaElementSource(this.#el);
    this.#source.connect(ctx.destination);
    void ctx.resume();
    const url = new URL(this.#opts.url, document.baseURI).href;
    const { Hls } = await (loading ??= import(
      /* the separate bundle, resolved at run time */ this.#opts.scriptUrl
    ) as Promise<HlsModule>);
    if (this.#isStopped()) return;
    if (Hls.isSupported()) {
      // catch-up: a slow start or a stall leaves playback further behind than the playlist's
      // PART-HOLD-BACK; up to 1.2x speed brings it back (hls.js only speeds up while more than
      // 1 s is buffered ahead, so it never plays into a stall). Default 1 = never catch up.
      const hls = new Hls({ lowLatencyMode: true, backBufferLength: 10, maxLiveSyncPlaybackRate: 1.2 });
      this.#hls = hls;
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal) this.#recover(data.type === Hls.ErrorTypes.MEDIA_ERROR);
      });
      hls.loadSource(url);
      hls.attachMedia(this.#el);
    } else if (this.#el.canPlayType('application/vnd.apple.mpegurl')) {
      this.#el.src = url;
    } else {
      this.stop();
      throw new Error('HlsPlayer: this browser plays neither MSE nor native HLS');
    }
    this.#el.addEventListener('playing', () => this.#state !== 'stopped' && (this.#state = 'playing'));
    await this.#el.play();
  }

  stats(): HlsPlayerStats {
    let state = this.#state;
    if (state === 'playing' && (this.#el.paused || this.#el.readyState < 3)) state = 'stalled';
    const date = this.#hls?.playingDate ?? null;
    return {
      state,
      latencyS: this.#hls?.latency ?? Number.NaN,
      delayMs: date ? Date.now() - date.getTime() : Number.NaN,
      currentTime: this.#el.currentTime,
      recoveries: this.#recoveries,
    };
  }

  stop(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#hls?.destroy();
    this.#hls = null;
    this.#el.pause();
    this.#el.removeAttribute('src');
    this.#source?.disconnect();
    this.#source = null;
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  /** network: reload (a new signed URL if we can get one) after 1-2 s; media: hls.js recovery */
  #recover(mediaError: boolean): void {
    const hls = this.#hls;
    if (!hls || this.#state === 'stopped') return;
    this.#recoveries++;
    if (mediaError) {
      hls.recoverMediaError();
      return;
    }
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = null;
        if (this.#hls !== hls) return;
        const fresh = this.#opts.refreshUrl?.() ?? Promise.resolve(this.#opts.url);
        void fresh
          .catch(() => this.#opts.url)
          .then((u) => {
            if (this.#hls !== hls) return;
            hls.loadSource(new URL(u, document.baseURI).href);
            hls.startLoad(-1);
          });
      },
      1000 + Math.random() * 1000,
    );
  }
}
