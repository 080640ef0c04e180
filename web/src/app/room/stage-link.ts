/**
 * A speaker's audio link to the stage, kept up by itself: publishes the mic (StagePublisher),
 * notices when the session is lost and publishes again — to whatever node the WHIP URL
 * reaches, which calls the Space's home, the new one after a failover — with jittered retries,
 * until it is back or closed.
 *
 *   off --start()--> up --silent 2 s--> suspect --heard again--> up
 *                     |                   |
 *                     +------lost---------+--> reconnecting --published, connected--> up
 *                                               (retry after 250 ms … 2 s, jittered)
 *   any --close()--> closed
 *
 * Suspect = nothing heard from the server for 2 s: the page says "reconnecting" at once, the
 * session is kept. Lost = the publisher says so (silent 3 s, ICE failed: link-watch.ts), or
 * the room says I have no live session (`connected: false` in a snapshot) after it had said
 * I had one — a new home restores everyone that way.
 *
 * No hot mics, and no surprise mutes: the person's intent (live or muted) is taken when the
 * link turns suspect (or is lost) and kept exactly. The track is off while reconnecting; back up, a person
 * who was live asks the server to unmute (a new home restores everyone muted) and the track
 * is enabled on its ack; a person who was muted stays muted. Pressing Mute while reconnecting
 * drops the intent. This client never unmutes anyone who had not unmuted.
 */
import { StagePublisher, WhipRefused } from '../../stage/whip-client.js';
import { ApiError, describe } from '../errors.js';
import type { RoomActions } from './actions.js';
import type { Mic } from './mic.js';

/** republish backoff before jitter, ms: 250, 500, 1000, 2000, 2000… */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2_000;
/** ms a republished session may take to connect (ICE + DTLS) before we try again (the
 * server gives a session 15 s) */
const CONNECT_TIMEOUT_MS = 15_000;
/** tries of the unmute that restores a live person's intent (the home may still be settling) */
const UNMUTE_TRIES = 10;

export type LinkState = 'off' | 'up' | 'suspect' | 'reconnecting' | 'closed';

export interface StageLinkOptions {
  whipUrl: string;
  token: () => string;
  actions: RoomActions;
  /** the state or the intent changed (repaint) */
  onChange: () => void;
  /** for the console and tests: why a session was counted lost, and how long coming back took */
  log?: (line: string) => void;
}

export class StageLink {
  state: LinkState = 'off';
  /** while suspect or reconnecting: whether the person was live when the trouble began */
  wantLive = false;
  /** performance.now() when the current loss was noticed */
  lostAt = 0;
  #mic: Mic | null = null;
  #publisher: StagePublisher | null = null;
  /** the room has said this publisher's session is live (so `connected: false` means lost) */
  #seenUp = false;
  #attempt = 0;
  #retryTimer = 0;
  /** a live person's unmute is being restored after a reconnect (their intent is still live) */
  #restoringLive = false;

  constructor(private readonly o: StageLinkOptions) {}

  /** first publish (from a click); throws when it is refused, leaving the link off */
  async start(mic: Mic): Promise<void> {
    if (this.state === 'closed') throw new Error('StageLink is closed');
    this.#mic = mic;
    await this.#publish(false);
    if ((this.state as LinkState) === 'closed') return; // closed while publishing
    this.state = 'up';
    this.o.onChange();
  }

  /** the room's view of me: `connected` from the latest snapshot */
  roomSays(connected: boolean): void {
    if (this.state !== 'up' && this.state !== 'suspect') return;
    if (connected) this.#seenUp = true;
    else if (this.#seenUp) this.#lost('the room has no live session of mine');
  }

  /** true while the page should say "reconnecting" */
  get troubled(): boolean {
    return this.state === 'suspect' || this.state === 'reconnecting';
  }

  /** the person pressed Mute while the link is in trouble: muted now, and once back */
  stayMuted(): void {
    this.wantLive = false;
    this.#mic?.setLive(false);
    // reaches the server if it is only slow; a new home restores everyone muted anyway
    void this.o.actions.stage({ type: 'mute_self' }).catch(() => undefined);
    this.o.onChange();
  }

  #suspect(on: boolean): void {
    if (on && this.state === 'up') {
      this.state = 'suspect';
      this.lostAt = performance.now();
      this.wantLive = (this.#mic?.live ?? false) || this.#restoringLive;
      this.o.log?.(`stage link suspect (nothing heard for 2 s); was ${this.wantLive ? 'live' : 'muted'}`);
    } else if (!on && this.state === 'suspect') {
      this.state = 'up';
      this.o.log?.(`stage link heard again after ${Math.round(performance.now() - this.lostAt)} ms`);
    } else return;
    this.o.onChange();
  }

  /** `release` false: the server already closed the session (left the stage, Space ended) */
  close(release = true): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    window.clearTimeout(this.#retryTimer);
    this.#dropPublisher(release);
  }

  #dropPublisher(release = true): void {
    const p = this.#publisher;
    this.#publisher = null;
    this.#seenUp = false;
    if (p) void p.stop(release).catch(() => undefined);
  }

  /** `waitConnected`: resolve only once ICE/DTLS is up (a republish), else once answered */
  async #publish(waitConnected: boolean): Promise<void> {
    const mic = this.#mic;
    if (!mic) throw new Error('no mic');
    this.#dropPublisher();
    const p = new StagePublisher({ whipUrl: this.o.whipUrl, token: this.o.token() });
    this.#publisher = p;
    p.onDisconnected = (why) => {
      if (this.#publisher === p) this.#lost(why);
    };
    p.onSuspect = (on) => {
      if (this.#publisher === p) this.#suspect(on);
    };
    try {
      await p.start(mic.stream);
      if (waitConnected) await p.connected(CONNECT_TIMEOUT_MS);
    } catch (err) {
      if (this.#publisher === p) this.#dropPublisher();
      throw err;
    }
  }

  #lost(why: string): void {
    const mic = this.#mic;
    if ((this.state !== 'up' && this.state !== 'suspect') || !mic) return;
    // a suspect link took the intent already (a restored "muted" may have come in since)
    if (this.state === 'up') {
      this.lostAt = performance.now();
      this.wantLive = mic.live || this.#restoringLive;
    }
    this.state = 'reconnecting';
    // nothing leaves the browser while the link is down; the intent is kept in wantLive
    mic.setLive(false);
    this.o.log?.(`stage link lost (${why}); was ${this.wantLive ? 'live' : 'muted'}; reconnecting`);
    this.#dropPublisher();
    this.#attempt = 0;
    this.o.onChange();
    this.#retry(0);
  }

  #retry(delayMs: number): void {
    window.clearTimeout(this.#retryTimer);
    this.#retryTimer = window.setTimeout(() => void this.#tryAgain(), delayMs);
  }

  async #tryAgain(): Promise<void> {
    if (this.state !== 'reconnecting') return;
    try {
      await this.#publish(true);
    } catch (err) {
      if (this.state !== 'reconnecting') return;
      if (err instanceof WhipRefused && !err.retryable) {
        // refused for good (no longer on stage, banned, the Space ended): stop trying
        this.o.log?.(`stage republish refused (${err.message}); giving up`);
        this.state = 'off';
        this.wantLive = false;
        this.o.onChange();
        this.o.actions.notify(`Your stage audio could not come back: ${describe(err)}`, 'error');
        return;
      }
      const exp = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.#attempt++);
      this.o.log?.(`stage republish failed (${describe(err)}); again in ~${exp} ms`);
      this.#retry(exp / 2 + Math.random() * exp);
      return;
    }
    if (this.state !== 'reconnecting') return;
    this.state = 'up';
    const tookMs = Math.round(performance.now() - this.lostAt);
    this.o.log?.(`stage link back after ${tookMs} ms (${this.#attempt + 1} tries)`);
    const live = this.wantLive;
    this.wantLive = false;
    this.o.onChange();
    if (live) await this.#unmuteAgain();
  }

  /** the person was live: ask the (new) home to unmute, enable the track on its ack */
  async #unmuteAgain(): Promise<void> {
    this.#restoringLive = true;
    try {
      await this.#unmuteTries();
    } finally {
      this.#restoringLive = false;
    }
  }

  async #unmuteTries(): Promise<void> {
    const p = this.#publisher;
    for (let i = 0; i < UNMUTE_TRIES; i++) {
      if (this.state !== 'up' || this.#publisher !== p || !this.#mic) return;
      try {
        await this.o.actions.stage({ type: 'unmute' });
        if ((this.state as LinkState) !== 'up' || this.#publisher !== p) return;
        this.#mic.setLive(true);
        this.o.onChange();
        return;
      } catch (err) {
        const retryable = err instanceof ApiError && (err.code === 'network' || err.code === 'server_busy');
        if (!retryable) {
          this.o.actions.notify(`Could not unmute you again: ${describe(err)}`, 'error');
          return;
        }
        await new Promise((r) => window.setTimeout(r, 300 + Math.random() * 300));
      }
    }
    this.o.actions.notify('You are back on stage, muted: unmuting did not go through.', 'error');
  }
}
