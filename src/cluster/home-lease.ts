/**
 * A held home lease: renews every ttl/3 (retries every min(250 ms, ttl/10) after a failure)
 * and says when it is lost.
 *
 *   held --renew ok--> held (deadline = renew start + ttl)
 *   held --renew answers false (someone else has it)------------------> lost
 *   held --renew fails (Redis unreachable): keep trying; deadline passes --> lost
 *   held --release()--> released
 *
 * The deadline is counted from the START of the last successful renew on this node's clock,
 * so this node always gives up no later than the backend frees the lease: no two homes act
 * at once (modulo clock drift within one ttl). A failed renew alone does not lose the lease;
 * the deadline has its own timer, so a renew still waiting for Redis cannot push it back.
 *
 * Timers alone are not enough: a process that was frozen (SIGSTOP, a VM pause, an event loop
 * starved for seconds) runs its queued I/O callbacks — frames from the mixer worker, Redis
 * replies — before its timers, so it would act on a lease that ran out while it slept. The
 * home therefore asks `provablyHeld()` before everything it publishes: the deadline again, on
 * a monotonic clock (wall-clock steps cannot stretch it), less a safety margin; when the
 * answer is no, the lease counts as lost right there.
 */
import type { Clock } from '../core/ports/clock.js';
import type { Leases } from '../core/ports/leases.js';
import type { Logger } from '../core/log.js';

export interface HomeLeaseOptions {
  leases: Leases;
  clock: Clock;
  log: Logger;
  key: string;
  holder: string;
  token: number;
  /** lease time to live, ms */
  ttlMs: number;
  /** called once when the lease is lost (not after release()) */
  onLost: (why: 'taken' | 'expired') => void;
  /** monotonic ms (default performance.now); tests pass their fake clock */
  monotonic?: () => number;
}

/** ms before the deadline at which a home stops trusting its lease: clock-rate drift, and the
 * time a message takes from the check to Redis */
export function leaseMarginMs(ttlMs: number): number {
  return Math.min(200, Math.floor(ttlMs / 10));
}

export class HomeLease {
  readonly token: number;
  #deadline: number;
  /** the same deadline on the monotonic clock */
  #monoDeadline: number;
  readonly #mono: () => number;
  #timer: { cancel(): void } | null = null;
  /** fires at the deadline even while a renew is still waiting for Redis */
  #deadlineTimer: { cancel(): void } | null = null;
  #state: 'held' | 'lost' | 'released' = 'held';
  #renewing = false;
  /** renews failed in a row */
  #failures = 0;

  /** `grantedAt`: clock ms when the acquire call started */
  constructor(
    private readonly opts: HomeLeaseOptions,
    grantedAt: number,
  ) {
    this.token = opts.token;
    this.#mono = opts.monotonic ?? (() => performance.now());
    this.#deadline = grantedAt + opts.ttlMs;
    // grantedAt is on the wall clock: carry the time since then over to the monotonic one
    this.#monoDeadline = this.#mono() - Math.max(0, opts.clock.now() - grantedAt) + opts.ttlMs;
    this.#armDeadline();
    this.#schedule(this.#renewEveryMs);
  }

  /**
   * A renew can hang for the adapter's whole command timeout (Redis accepted the connection
   * but does not answer, or the command sits in a reconnect queue); the deadline must not wait
   * for it, or this node would act as home after the backend has freed the lease.
   */
  #armDeadline(): void {
    this.#deadlineTimer?.cancel();
    if (this.#state !== 'held') return;
    const ms = Math.max(0, this.#deadline - this.opts.clock.now());
    this.#deadlineTimer = this.opts.clock.setTimeout(() => {
      if (this.opts.clock.now() >= this.#deadline) this.#lose('expired');
      else this.#armDeadline();
    }, ms);
  }

  /** ms between two renews of a healthy lease */
  get #renewEveryMs(): number {
    return Math.max(1, Math.floor(this.opts.ttlMs / 3));
  }

  /** ms before retrying a renew that failed (Redis unreachable): soon, so a short outage costs little */
  get #retryMs(): number {
    return Math.max(1, Math.min(250, Math.floor(this.opts.ttlMs / 10)));
  }

  #schedule(ms: number): void {
    this.#timer?.cancel();
    if (this.#state !== 'held') return;
    this.#timer = this.opts.clock.setTimeout(() => void this.#tick(), ms);
  }

  get held(): boolean {
    return this.#state === 'held';
  }

  /**
   * Whether this node can still prove it holds the lease (call it before every publish):
   * held, and the monotonic deadline less the margin not reached. A no loses the lease now
   * (onLost('expired') runs before this returns).
   */
  provablyHeld(): boolean {
    if (this.#state !== 'held') return false;
    if (this.#mono() < this.#monoDeadline - leaseMarginMs(this.opts.ttlMs)) return true;
    this.#lose('expired');
    return false;
  }

  /** ms of lease this node may still count on */
  get remainingMs(): number {
    return this.#deadline - this.opts.clock.now();
  }

  /** lets the lease go (drain, Space ended); idempotent */
  async release(): Promise<void> {
    if (this.#state !== 'held') return;
    this.#state = 'released';
    this.#timer?.cancel();
    this.#deadlineTimer?.cancel();
    try {
      await this.opts.leases.release(this.opts.key, this.opts.holder, this.token);
    } catch (err) {
      this.opts.log.warn({ err, key: this.opts.key }, 'home lease release failed; it will expire');
    }
  }

  /** stops renewing without releasing (the process is going down hard, tests) */
  abandon(): void {
    if (this.#state === 'held') this.#state = 'released';
    this.#timer?.cancel();
    this.#deadlineTimer?.cancel();
  }

  async #tick(): Promise<void> {
    if (this.#state !== 'held') return;
    if (this.opts.clock.now() >= this.#deadline) return this.#lose('expired');
    if (this.#renewing) return;
    this.#renewing = true;
    const started = this.opts.clock.now();
    const startedMono = this.#mono();
    try {
      const ok = await this.opts.leases.renew(this.opts.key, this.opts.holder, this.token, this.opts.ttlMs);
      if (this.#state !== 'held') return;
      if (!ok) return this.#lose('taken');
      this.#deadline = started + this.opts.ttlMs;
      this.#monoDeadline = startedMono + this.opts.ttlMs;
      this.#armDeadline();
      this.#failures = 0;
      this.#schedule(this.#renewEveryMs);
    } catch (err) {
      if (this.#state !== 'held') return;
      if (this.#failures++ === 0)
        this.opts.log.warn(
          { err, key: this.opts.key, remainingMs: this.remainingMs },
          'home lease renew failed; keeping the Space until the lease runs out',
        );
      if (this.opts.clock.now() >= this.#deadline) return this.#lose('expired');
      this.#schedule(Math.min(this.#retryMs, Math.max(1, this.#deadline - this.opts.clock.now())));
    } finally {
      this.#renewing = false;
    }
  }

  #lose(why: 'taken' | 'expired'): void {
    if (this.#state !== 'held') return;
    this.#state = 'lost';
    this.#timer?.cancel();
    this.#deadlineTimer?.cancel();
    this.opts.log.warn({ key: this.opts.key, token: this.token, why }, 'home lease lost');
    this.opts.onLost(why);
  }
}
