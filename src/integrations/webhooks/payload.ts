/**
 * Builds webhook messages: the Standard Webhooks envelope `{ type, timestamp, data }` as the
 * exact JSON text that is stored, signed and sent (src/protocol/webhooks.ts has the shapes).
 */
import { randomUUID } from 'node:crypto';
import type { SpaceId } from '../../protocol/ids.js';
import type { SpaceInfo } from '../../protocol/space.js';
import type {
  WebhookDataMap,
  WebhookEventType,
  WebhookPayload,
  WebhookSpace,
} from '../../protocol/webhooks.js';
import type { WebhookMessage } from '../../core/ports/webhook-outbox.js';

/** The Space as events describe it; `baseUrl` is the deployment's public URL. */
export function webhookSpace(space: SpaceInfo, baseUrl: string): WebhookSpace {
  return {
    id: space.id,
    title: space.title,
    state: space.state,
    hostId: space.hostId,
    scheduledFor: space.scheduledFor,
    startedAt: space.startedAt,
    endedAt: space.endedAt,
    url: `${baseUrl}/#/space/${encodeURIComponent(space.id)}`,
  };
}

export interface EventOptions {
  spaceId: SpaceId | null;
  /** ms since epoch */
  at: number;
  /**
   * a stable key for events that happen once per Space (`live`, `ended`): the message id is
   * derived from it, so the event is stored once even if raised twice. Absent = a fresh id.
   */
  once?: string;
}

export function webhookMessage<T extends WebhookEventType>(
  type: T,
  data: WebhookDataMap[T],
  opts: EventOptions,
): WebhookMessage {
  const payload: WebhookPayload<T> = { type, timestamp: new Date(opts.at).toISOString(), data };
  const eventId = opts.once
    ? `msg_${Buffer.from(`${opts.spaceId ?? ''}|${opts.once}`).toString('base64url')}`
    : `msg_${randomUUID().replaceAll('-', '')}`;
  return { eventId, type, spaceId: opts.spaceId, payload: JSON.stringify(payload), createdAt: opts.at };
}
