/**
 * Admission control for listen sockets on one node (docs/admission.md).
 *
 *   join(address, user) ─▶ per-address / per-user join limits ── over ──▶ too_many_requests (4429, retry)
 *        │
 *        ├─ room below the cap, nobody queued, a join token free ──▶ admitted (a Ticket; release() on close)
 *        ├─ the cap is full and the HLS tier can take them ───────▶ overflow (caller sends switch_tier hls)
 *        ├─ place in the waiting room (and the wait looks short) ─▶ queued: onPosition(n) now and every
 *        │                                                         updateMs; admitted in order as places
 *        │                                                         and join tokens free up
 *        └─ waiting room full ──▶ overflow if possible, else server_busy (4503, retry with jitter)
 *
 * Only listeners pass through here: people on stage are never capped. The node-wide join rate is
 * a token bucket, so a storm is admitted at a steady pace whatever its size; the cap bounds the
 * fan-out's write pass (audience.md: ~17 µs per listener per batch).
 * Lifecycle: close() (idempotent) stops the pump and fails every waiter with server_busy.
 */
import { RostraError } from '../core/errors.js';
import { KeyedRateLimiter, TokenBucket } from './rate-limit.js';

export interface AdmissionOptions {
  /** listener sockets this node holds at most */
  maxListeners: number;
  /** listener joins per second this node admits (token bucket refill) */
  joinPerSecond: number;
  /** burst of the same bucket */
  joinBurst: number;
  /** people in the waiting room at most */
  maxWaiting: number;
  /** a newcomer whose estimated wait (position / joinPerSecond) exceeds this goes to HLS, ms */
  maxWaitMs: number;
  /** joins per second per client address, and the burst */
  addressJoinPerSecond: number;
  addressJoinBurst: number;
  /** joins per second per signed-in person, and the burst */
  userJoinPerSecond: number;
  userJoinBurst: number;
  /** ms between position updates to waiters */
  updateMs: number;
  /**
   * loopback peers skip the per-address limits: true when no proxy is trusted (the peer may be
   * a proxy on this host we cannot see through); false once proxies are trusted and the
   * address is the real client's (docs/security.md)
   */
  exemptLoopback: boolean;
}

export const DEFAULT_ADMISSION: AdmissionOptions = {
  maxListeners: 14_000,
  joinPerSecond: 1_000,
  joinBurst: 2_000,
  maxWaiting: 4_000,
  maxWaitMs: 15_000,
  addressJoinPerSecond: 10,
  addressJoinBurst: 50,
  userJoinPerSecond: 1,
  userJoinBurst: 10,
  updateMs: 1_000,
  exemptLoopback: true,
};

export interface JoinRequest {
  /** client IP address */
  address: string;
  /** signed-in person, or null for anonymous */
  userId: string | null;
  /** true when this listener can be sent to the LL-HLS tier (the Space is live, HLS served) */
  canOverflow: boolean;
  /** told the place in the queue (1 = next), at once and every updateMs while waiting */
  onPosition?: (position: number) => void;
  /** aborts a wait (the socket closed); the promise then rejects */
  signal?: AbortSignal;
}

/** A place on this node; release() when the socket closes (idempotent). */
export interface Ticket {
  release(): void;
}

export type JoinResult = { kind: 'admitted'; ticket: Ticket; waitedMs: number } | { kind: 'overflow' };

export interface AdmissionStats {
  listeners: number;
  waiting: number;
  admitted: number;
  queued: number;
  overflowed: number;
  refused: number;
}

interface Waiter {
  req: JoinRequest;
  since: number;
  resolve: (r: JoinResult) => void;
  reject: (e: unknown) => void;
}

const NO_PLACE: Ticket = { release: () => undefined };

export class Admission {
  readonly #opts: AdmissionOptions;
  readonly #now: () => number;
  readonly #joins: TokenBucket;
  readonly #perAddress: KeyedRateLimiter;
  readonly #perUser: KeyedRateLimiter;
  /** FIFO; a Set keeps insertion order and deletes in O(1) */
  readonly #queue = new Set<Waiter>();
  /** per-person limits on reactions and requests to speak */
  readonly commands: CommandLimits;
  #active = 0;
  #pump: ReturnType<typeof setInterval> | null = null;
  #lastUpdate = 0;
  #closed = false;
  readonly #stats = { admitted: 0, queued: 0, overflowed: 0, refused: 0 };

  constructor(opts: Partial<AdmissionOptions> = {}, now: () => number = Date.now) {
    this.#opts = { ...DEFAULT_ADMISSION, ...opts };
    this.#now = now;
    const o = this.#opts;
    this.#joins = new TokenBucket(o.joinPerSecond, o.joinBurst, now);
    this.#perAddress = new KeyedRateLimiter(o.addressJoinPerSecond, o.addressJoinBurst, 100_000, now);
    this.#perUser = new KeyedRateLimiter(o.userJoinPerSecond, o.userJoinBurst, 100_000, now);
    this.commands = new CommandLimits(o.exemptLoopback);
  }

  get options(): Readonly<AdmissionOptions> {
    return this.#opts;
  }

  /**
   * Decides a join. Resolves at once (admitted / overflow) or after a wait in the queue; rejects
   * with too_many_requests (per-address / per-user limit), server_busy (full, no HLS) or when
   * `signal` aborts.
   */
  join(req: JoinRequest): Promise<JoinResult> {
    if (this.#closed) throw new Error('Admission.join: closed');
    const o = this.#opts;
    const overRate = this.#overRate(req.address, req.userId);
    if (overRate) return Promise.reject(overRate);
    if (this.#queue.size === 0 && this.#active < o.maxListeners && this.#joins.take()) {
      return Promise.resolve({ kind: 'admitted', ticket: this.#admit(), waitedMs: 0 });
    }
    // the queue holds promised places: full when the admitted plus the waiting reach the cap
    const full = this.#active + this.#queue.size >= o.maxListeners;
    const position = this.#queue.size + 1;
    const longWait = (position / o.joinPerSecond) * 1000 > o.maxWaitMs;
    if (req.canOverflow && (full || longWait || this.#queue.size >= o.maxWaiting)) {
      this.#stats.overflowed++;
      return Promise.resolve({ kind: 'overflow' });
    }
    if (this.#queue.size >= o.maxWaiting) {
      this.#stats.refused++;
      return Promise.reject(new RostraError('server_busy', 'the waiting room is full; retry later'));
    }
    return new Promise<JoinResult>((resolve, reject) => {
      const w: Waiter = { req, since: this.#now(), resolve, reject };
      if (req.signal?.aborted) return reject(new Error('aborted'));
      req.signal?.addEventListener('abort', () => {
        if (this.#queue.delete(w)) reject(new Error('aborted'));
      });
      this.#queue.add(w);
      this.#stats.queued++;
      req.onPosition?.(position);
      this.#startPump();
    });
  }

  /**
   * The HTTP tiers' join (docs/admission.md): the same per-address / per-user limits, then a
   * place at once or a refusal, never a wait (a player retries; Retry-After says when).
   * `hold` false (an LL-HLS URL handout) only paces; true (an Ogg stream) takes a place
   * counted in maxListeners like a listen socket. Throws too_many_requests or server_busy.
   */
  joinNow(address: string, userId: string | null, hold: boolean): Ticket {
    if (this.#closed) throw new RostraError('server_busy', 'server shutting down');
    const overRate = this.#overRate(address, userId);
    if (overRate) throw overRate;
    const full = hold && this.#active + this.#queue.size >= this.#opts.maxListeners;
    if (full || !this.#joins.take()) {
      this.#stats.refused++;
      throw new RostraError('server_busy', 'this node is at capacity; retry in a moment');
    }
    if (!hold) return NO_PLACE;
    return this.#admit();
  }

  /** too_many_requests when the address or the person is over its join rate, else null */
  #overRate(address: string, userId: string | null): RostraError | null {
    const o = this.#opts;
    const addressOk = (o.exemptLoopback && isLoopback(address)) || this.#perAddress.take(address);
    if (addressOk && (userId === null || this.#perUser.take(userId))) return null;
    this.#stats.refused++;
    return new RostraError('too_many_requests', 'too many joins from you; retry later');
  }

  stats(): AdmissionStats {
    return { listeners: this.#active, waiting: this.#queue.size, ...this.#stats };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pump) clearInterval(this.#pump);
    this.#pump = null;
    for (const w of this.#queue) w.reject(new RostraError('server_busy', 'server shutting down'));
    this.#queue.clear();
  }

  #admit(): Ticket {
    this.#active++;
    this.#stats.admitted++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#active--;
        if (this.#queue.size > 0) this.#startPump();
      },
    };
  }

  #startPump(): void {
    if (this.#pump || this.#closed) return;
    // 50 ms: fine enough that the join rate is smooth, coarse enough to cost nothing
    // (not unref'd: it runs only while someone waits, and close() clears it)
    this.#pump = setInterval(() => this.#drain(), 50);
  }

  #drain(): void {
    const o = this.#opts;
    for (const w of this.#queue) {
      if (this.#active >= o.maxListeners || !this.#joins.take()) break;
      this.#queue.delete(w);
      w.resolve({ kind: 'admitted', ticket: this.#admit(), waitedMs: this.#now() - w.since });
    }
    const t = this.#now();
    if (this.#queue.size > 0 && t - this.#lastUpdate >= o.updateMs) {
      this.#lastUpdate = t;
      let position = 0;
      for (const w of this.#queue) {
        position++;
        try {
          w.req.onPosition?.(position);
        } catch {
          // a waiter's socket failing to take an update is its own problem
        }
      }
    }
    if (this.#queue.size === 0 && this.#pump) {
      clearInterval(this.#pump);
      this.#pump = null;
    }
  }
}

/**
 * Loopback peers are exempt from per-address limits: that is a reverse proxy on this host (limit
 * at the proxy, which sees real addresses) or a local bench, where one address is many people.
 */
export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Per-person (or per-address for anonymous) limits on listener commands: reactions, hands. */
export class CommandLimits {
  /** reactions: 5 per second, bursts of 15, per person across all their sockets */
  readonly #react = new KeyedRateLimiter(5, 15);
  /** requests to speak and invite answers: one per second, bursts of 5 */
  readonly #hand = new KeyedRateLimiter(1, 5);

  /** @param exemptLoopback anonymous loopback peers skip these (see AdmissionOptions) */
  constructor(private readonly exemptLoopback = true) {}

  /** throws too_many_requests when `type` is over its per-person rate */
  check(type: string, userId: string | null, address: string): void {
    if (userId === null && this.exemptLoopback && isLoopback(address)) return; // the per-socket bucket still applies
    const key = userId ?? `ip:${address}`;
    const limiter =
      type === 'react'
        ? this.#react
        : type === 'raise_hand' ||
            type === 'lower_hand' ||
            type === 'accept_invite' ||
            type === 'decline_invite'
          ? this.#hand
          : null;
    if (limiter && !limiter.take(key)) {
      throw new RostraError('too_many_requests', `too many ${type} messages; slow down`);
    }
  }
}
