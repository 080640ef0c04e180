/**
 * One restream: the Space's live Ogg/Opus stream piped into an ffmpeg child that sends it to an
 * RTMP URL, supervised. ffmpeg is attached to the Space's Ogg fan-out like any HTTP listener
 * (the same page bytes, the same slow-consumer rule), so a restream costs the fan-out one
 * listener and nothing per frame of its own.
 *
 *   starting ──(up liveAfterMs)──▶ live ──(ffmpeg exits)──▶ retrying ──(backoff)──▶ starting …
 *       │                                                              stop() ──▶ stopped
 *       └──────────────── the Space's stream ended (EOS, stdin closed) ──▶ ended
 *
 * Backoff: 1 s, 2 s, 4 s … up to 30 s between attempts; a run that lasted 30 s or more resets it.
 * `stopped` and `ended` are final. The stream key never appears in status or logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../core/log.js';
import type { PageSink } from '../ogg/fanout.js';
import type { RestreamState, RestreamStatus, RestreamVideo } from '../../protocol/restream.js';
import { restreamArgs } from './ffmpeg-args.js';

/** the Space's Ogg stream as a restream reads it; null when the Space has none on this node */
export type OggTap = () => { attach(sink: PageSink): () => void } | null;

export interface RestreamOptions {
  /** rtmp:// or rtmps:// URL with the stream key */
  url: string;
  video: RestreamVideo;
  imagePath?: string;
  tap: OggTap;
  log: Logger;
  /** the program to run; default 'ffmpeg' (tests use a stand-in) */
  command?: string;
  /** args for `command` instead of ffmpeg's */
  args?: readonly string[];
  /** ms of backoff before the first retry; default 1000, doubled per failure */
  firstBackoffMs?: number;
  /** ms of backoff at most; default 30 000 */
  maxBackoffMs?: number;
  /** ms a child must stay up to count as live; default 2000 */
  liveAfterMs?: number;
  /** state changes (also logged) */
  onState?: (status: RestreamStatus) => void;
}

/** a run of this long (ms) resets the backoff */
const STEADY_MS = 30_000;
/** ms between SIGTERM and SIGKILL when stopping */
const KILL_GRACE_MS = 3000;
/** characters of ffmpeg's stderr kept for lastError */
const STDERR_KEEP = 600;

/** rtmp://host/app/KEY -> rtmp://host/app/… (the key is the secret part) */
export function redactRtmpUrl(url: string): string {
  try {
    const u = new URL(url);
    const app = u.pathname.split('/').filter(Boolean)[0] ?? '';
    return `${u.protocol}//${u.host}/${app}${app ? '/…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

export class Restream {
  readonly #o: RestreamOptions;
  readonly #status: RestreamStatus;
  #child: ChildProcess | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #final: Promise<void>;
  #resolveFinal!: () => void;

  constructor(options: RestreamOptions) {
    this.#o = options;
    this.#status = {
      state: 'starting',
      target: redactRtmpUrl(options.url),
      video: options.video,
      startedAt: Date.now(),
      restarts: 0,
    };
    this.#final = new Promise((resolve) => (this.#resolveFinal = resolve));
    this.#run();
  }

  status(): RestreamStatus {
    return { ...this.#status };
  }

  get done(): boolean {
    return this.#status.state === 'stopped' || this.#status.state === 'ended';
  }

  /** resolves once the restream is stopped or ended and its child has exited */
  settled(): Promise<void> {
    return this.#final;
  }

  /** stops the child (SIGTERM, SIGKILL after 3 s) and retries no more; idempotent */
  stop(): Promise<void> {
    if (this.done) return this.#final;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#setState('stopped');
    const child = this.#child;
    if (!child) this.#resolveFinal();
    else {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      child.once('exit', () => clearTimeout(kill));
    }
    return this.#final;
  }

  #run(): void {
    const tap = this.#o.tap();
    if (!tap) {
      this.#status.lastError = 'the Space has no live stream on this node';
      this.#finish('ended');
      return;
    }
    this.#status.retryAt = undefined;
    this.#setState('starting');
    const args = this.#o.args ?? restreamArgs(this.#o);
    const child = spawn(this.#o.command ?? 'ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.#child = child;
    const startedAt = Date.now();
    let stderr = '';
    let tapEnded = false;
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-STDERR_KEEP)));
    // EPIPE when ffmpeg dies with pages in flight: the exit handler deals with it
    child.stdin?.on('error', () => undefined);
    const stdin = child.stdin;
    const sink: PageSink = {
      write: (chunk) => stdin.write(chunk),
      end: () => {
        tapEnded = true; // the Space's stream ended: ffmpeg finishes and exits
        stdin.end();
      },
      get writableLength() {
        return stdin.writableLength;
      },
      get destroyed() {
        return stdin.destroyed;
      },
      once: (event, listener) => stdin.once(event, listener),
    };
    const detach = tap.attach(sink);
    const live = setTimeout(() => {
      if (this.#child === child && this.#status.state === 'starting') this.#setState('live');
    }, this.#o.liveAfterMs ?? 2000);
    child.once('error', (err) => (stderr += `\n${err.message}`));
    child.once('close', (code, signal) => {
      clearTimeout(live);
      detach();
      this.#child = null;
      if (this.done) {
        this.#resolveFinal();
        return;
      }
      if (tapEnded) {
        this.#finish('ended');
        return;
      }
      const said = stderr.trim().split('\n').slice(-3).join(' | ');
      this.#status.lastError = `${signal ?? `exit ${code}`}: ${this.#redact(said)}`;
      if (Date.now() - startedAt >= STEADY_MS) this.#failures = 0;
      const delay = Math.min(
        this.#o.maxBackoffMs ?? 30_000,
        (this.#o.firstBackoffMs ?? 1000) * 2 ** this.#failures++,
      );
      this.#status.retryAt = Date.now() + delay;
      this.#setState('retrying');
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#status.restarts++;
        this.#run();
      }, delay);
    });
  }

  /** ffmpeg names the URL in its errors: the key must not leak through them */
  #redact(text: string): string {
    const url = this.#o.url;
    const key = url
      .slice(url.indexOf('/', url.indexOf('//') + 2) + 1)
      .split('/')
      .slice(1)
      .join('/');
    let out = text.split(url).join(this.#status.target);
    if (key.length >= 4) out = out.split(key).join('…');
    return out;
  }

  #finish(state: 'ended' | 'stopped'): void {
    this.#setState(state);
    this.#resolveFinal();
  }

  #setState(state: RestreamState): void {
    const from = this.#status.state;
    if (from === state && state !== 'starting') return;
    this.#status.state = state;
    const { lastError, restarts, target } = this.#status;
    const level = state === 'retrying' ? 'warn' : 'info';
    this.#o.log[level]({ from, to: state, target, restarts, lastError }, `restream ${from} -> ${state}`);
    this.#o.onState?.(this.status());
  }
}
