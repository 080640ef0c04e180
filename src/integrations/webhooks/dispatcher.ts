/**
 * Sends the outbox's deliveries. Every node runs one; they share the outbox, and a claim
 * leases each delivery to one node at a time (WebhookOutbox.claim), so nodes split the work
 * and a delivery whose node died (SIGKILL mid-request) is taken by another once its lease has
 * run out: at least once, and at most the in-flight few again, never the whole queue.
 *
 * One attempt: POST the stored JSON with the Standard Webhooks headers, signed with the
 * endpoint's secret at send time (standardwebhooks' `sign`), redirects not followed, a deadline
 * of `timeoutMs`. 2xx = delivered; 410 Gone = given up at once; anything else (or no answer) =
 * retried after a backoff (./backoff.ts) until `maxAttempts`, then failed. Failed ones stay in
 * the delivery log, where an operator can send them again (`rostra admin webhooks retry`).
 *
 * Lifecycle: new -> start() (polls every pollMs; nudge() polls now) -> close() (stops polling,
 * aborts requests in flight and hands them back due at once for another node). Idempotent.
 */
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../../core/log.js';
import type { WebhookDelivery, WebhookOutbox, AttemptResult } from '../../core/ports/webhook-outbox.js';
import { DEFAULT_MAX_ATTEMPTS, RETRY_DELAYS_MS, retryDelayMs } from './backoff.js';

export interface DispatcherOptions {
  outbox: WebhookOutbox;
  /** the lease holder's name: unique per process (node id plus a random part) */
  owner: string;
  log: Logger;
  /** ms since epoch */
  now?: () => number;
  /** ms between two looks at the outbox when nothing woke the dispatcher; default 1000 */
  pollMs?: number;
  /** requests in flight at most; default 8 */
  concurrency?: number;
  /** ms one request may take; default 10 000 */
  timeoutMs?: number;
  /** attempts before a delivery fails for good; default 9 (about 8 h of retries) */
  maxAttempts?: number;
  /** ms after the 1st, 2nd, … failure (the last repeats); default RETRY_DELAYS_MS */
  retryDelaysMs?: readonly number[];
  /** ms finished deliveries stay in the log; default 7 days */
  retentionMs?: number;
}

export interface DispatcherStats {
  delivered: number;
  retried: number;
  failed: number;
  inFlight: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** ms between two prunes of the log */
const PRUNE_EVERY_MS = 3600 * 1000;
/** ms a store error is logged at most once per */
const STORE_ERROR_LOG_MS = 10_000;
const USER_AGENT = 'Rostra-Webhooks/1';

export class WebhookDispatcher {
  readonly #o: Required<Omit<DispatcherOptions, 'outbox' | 'log' | 'owner' | 'now'>>;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, AbortController>();
  readonly #settled = new Set<Promise<void>>();
  readonly #stats: DispatcherStats = { delivered: 0, retried: 0, failed: 0, inFlight: 0 };
  #timer: NodeJS.Timeout | null = null;
  #claiming = false;
  #again = false;
  #closed = false;
  #lastPrune = 0;
  #lastStoreError = 0;

  constructor(private readonly opts: DispatcherOptions) {
    this.#now = opts.now ?? Date.now;
    this.#o = {
      pollMs: opts.pollMs ?? 1_000,
      concurrency: opts.concurrency ?? 8,
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryDelaysMs: opts.retryDelaysMs ?? RETRY_DELAYS_MS,
      retentionMs: opts.retentionMs ?? 7 * DAY_MS,
    };
  }

  /** ms a claim holds a delivery: the request's deadline plus time to record its result */
  get leaseMs(): number {
    return this.#o.timeoutMs + 20_000;
  }

  start(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setInterval(() => this.nudge(), this.#o.pollMs);
    this.#timer.unref();
    this.nudge();
  }

  /** looks at the outbox now (new deliveries were stored) */
  nudge(): void {
    if (this.#closed) return;
    if (this.#claiming) {
      this.#again = true;
      return;
    }
    void this.#claim();
  }

  stats(): DispatcherStats {
    return { ...this.#stats, inFlight: this.#inFlight.size };
  }

  async close(): Promise<void> {
    if (this.#closed) {
      await Promise.allSettled([...this.#settled]);
      return;
    }
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const abort of this.#inFlight.values()) abort.abort(new Error('node stopping'));
    await Promise.allSettled([...this.#settled]);
  }

  async #claim(): Promise<void> {
    this.#claiming = true;
    try {
      do {
        this.#again = false;
        const room = this.#o.concurrency - this.#inFlight.size;
        if (room <= 0) break;
        const now = this.#now();
        const batch = await this.opts.outbox.claim({
          owner: this.opts.owner,
          now,
          leaseMs: this.leaseMs,
          limit: room,
        });
        if (this.#closed) {
          // claimed while stopping: hand them straight back
          for (const d of batch)
            await this.#complete(d, {
              outcome: 'retry',
              nextAttemptAt: now,
              at: now,
              status: null,
              error: 'node stopping',
            });
          break;
        }
        for (const d of batch) this.#send(d);
        if (batch.length === room) this.#again = true;
      } while (this.#again && !this.#closed);
      await this.#prune();
    } catch (err) {
      this.#storeError(err);
    } finally {
      this.#claiming = false;
    }
  }

  #send(d: WebhookDelivery): void {
    const abort = new AbortController();
    this.#inFlight.set(d.id, abort);
    const done = this.#attempt(d, abort.signal)
      .then((result) => this.#complete(d, result))
      .catch((err: unknown) => this.#storeError(err))
      .finally(() => {
        this.#inFlight.delete(d.id);
        this.#settled.delete(done);
        // a free slot: more may be due
        if (!this.#closed) this.nudge();
      });
    this.#settled.add(done);
  }

  async #attempt(d: WebhookDelivery, stop: AbortSignal): Promise<AttemptResult> {
    const sentAt = new Date(this.#now());
    let status: number | null = null;
    let error: string | null = null;
    try {
      const signature = new Webhook(d.secret).sign(d.eventId, sentAt, d.payload);
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': d.eventId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.any([stop, AbortSignal.timeout(this.#o.timeoutMs)]),
      });
      status = res.status;
      // the answer's body is not read: free the connection
      await res.body?.cancel().catch(() => {});
    } catch (err) {
      error = stop.aborted ? 'node stopping' : describe(err);
    }
    const at = this.#now();
    if (status !== null && status >= 200 && status < 300) return { outcome: 'delivered', at, status, error };
    if (stop.aborted) return { outcome: 'retry', nextAttemptAt: at, at, status, error };
    if (status === 410 || d.attempts >= this.#o.maxAttempts) return { outcome: 'failed', at, status, error };
    return {
      outcome: 'retry',
      nextAttemptAt: at + retryDelayMs(d.attempts, this.#o.retryDelaysMs),
      at,
      status,
      error,
    };
  }

  async #complete(d: WebhookDelivery, result: AttemptResult): Promise<void> {
    const kept = await this.opts.outbox.complete(d.id, this.opts.owner, result);
    if (!kept) {
      this.opts.log.warn(
        { deliveryId: d.id, spaceId: d.spaceId },
        'webhook lease ran out before the attempt ended',
      );
      return;
    }
    if (result.outcome === 'delivered') this.#stats.delivered++;
    else if (result.outcome === 'failed') {
      this.#stats.failed++;
      this.opts.log.warn(
        { deliveryId: d.id, spaceId: d.spaceId, url: d.url, status: result.status, error: result.error },
        'webhook delivery failed for good',
      );
    } else this.#stats.retried++;
  }

  async #prune(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    await this.opts.outbox.prune(now - this.#o.retentionMs);
  }

  #storeError(err: unknown): void {
    const now = this.#now();
    if (now - this.#lastStoreError < STORE_ERROR_LOG_MS) return;
    this.#lastStoreError = now;
    this.opts.log.warn({ err }, 'webhook outbox unreachable; deliveries wait');
  }
}

/** a short reason for the log: "connect ECONNREFUSED 127.0.0.1:9", "timed out" */
function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return cause.message;
    return err.message;
  }
  return String(err);
}
