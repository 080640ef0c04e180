/**
 * Raises webhook events: resolves the endpoints (the deployment's, from settings, plus the
 * Space's own, set by its host) and stores one delivery per endpoint in the outbox; the
 * dispatcher sends them. `emit` never throws and never waits on the caller's path: a store
 * that is briefly down gets a few more tries (ENQUEUE_RETRY_MS) before the event is dropped
 * with an error in the log.
 *
 * Events are about Spaces and their stage, so the cost is per Space action, never per listener.
 */
import type { Logger } from '../../core/log.js';
import type { WebhookOutbox, WebhookTarget } from '../../core/ports/webhook-outbox.js';
import type { WebhookDataMap, WebhookEventType } from '../../protocol/webhooks.js';
import { webhookMessage, type EventOptions } from './payload.js';

/** ms before the 2nd, 3rd and 4th try to store an event while the store refuses */
const ENQUEUE_RETRY_MS = [1_000, 5_000, 25_000] as const;

export interface WebhookEmitterOptions {
  outbox: WebhookOutbox;
  /** the deployment's endpoints (settings); each gets every event */
  endpoints: readonly WebhookTarget[];
  /** whether a Space's own endpoint (set by its host) gets the Space's events */
  spaceEndpoints: boolean;
  log: Logger;
  /** called after new deliveries were stored (wakes the dispatcher) */
  onQueued?: () => void;
}

export class WebhookEmitter {
  #pending = 0;
  #closed = false;
  /** waits between tries, with what ends each early */
  readonly #timers = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly opts: WebhookEmitterOptions) {}

  /** true when no endpoint could ever receive anything (nothing to do) */
  get idle(): boolean {
    return this.opts.endpoints.length === 0 && !this.opts.spaceEndpoints;
  }

  /** stores the event for every endpoint; resolves when stored (or given up), never rejects */
  emit<T extends WebhookEventType>(type: T, data: WebhookDataMap[T], opts: EventOptions): Promise<void> {
    if (this.idle || this.#closed) return Promise.resolve();
    const message = webhookMessage(type, data, opts);
    this.#pending++;
    return this.#store(message, 0).finally(() => this.#pending--);
  }

  /** events being stored right now (tests wait for 0) */
  get pending(): number {
    return this.#pending;
  }

  close(): void {
    this.#closed = true;
    for (const [t, resolve] of this.#timers) {
      clearTimeout(t);
      resolve();
    }
    this.#timers.clear();
  }

  async #store(message: ReturnType<typeof webhookMessage>, attempt: number): Promise<void> {
    try {
      const targets = [...this.opts.endpoints];
      if (this.opts.spaceEndpoints && message.spaceId) {
        const own = await this.opts.outbox.getSpaceEndpoint(message.spaceId);
        if (own && !targets.some((t) => t.url === own.url))
          targets.push({ url: own.url, secret: own.secret });
      }
      if (targets.length === 0) return;
      const added = await this.opts.outbox.enqueue(message, targets);
      if (added > 0) this.opts.onQueued?.();
    } catch (err) {
      const wait = ENQUEUE_RETRY_MS[attempt];
      if (wait === undefined || this.#closed) {
        this.opts.log.error(
          { err, type: message.type, spaceId: message.spaceId },
          'webhook event lost: store refused it',
        );
        return;
      }
      this.opts.log.warn(
        { err, type: message.type, spaceId: message.spaceId },
        'webhook event not stored yet; retrying',
      );
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.#timers.delete(t);
          resolve();
        }, wait);
        this.#timers.set(t, resolve);
      });
      if (!this.#closed) await this.#store(message, attempt + 1);
    }
  }
}
