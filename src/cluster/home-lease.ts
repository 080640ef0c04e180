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
}

export class HomeLease {
  readonly token: number;
  #deadline: number;
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
    this.#deadline = grantedAt + opts.ttlMs;
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
    try {
      const ok = await this.opts.leases.renew(this.opts.key, this.opts.holder, this.token, this.opts.ttlMs);
      if (this.#state !== 'held') return;
      if (!ok) return this.#lose('taken');
      this.#deadline = started + this.opts.ttlMs;
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
