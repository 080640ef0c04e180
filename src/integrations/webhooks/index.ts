/**
 * Webhooks of one node: the emitter (events into the outbox), the dispatcher (outbox to the
 * endpoints) and the WebhookPort the HTTP API uses. See docs/webhooks.md.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log.js';
import type { WebhookOutbox, WebhookTarget } from '../../core/ports/webhook-outbox.js';
import type { Room } from '../../core/space/index.js';
import type { SpaceWebhookPolicy, WebhookPort } from '../../control/ports.js';
import { SpaceState } from '../../protocol/space.js';
import { WebhookEventType as E } from '../../protocol/webhooks.js';
import { WebhookDispatcher, type DispatcherOptions } from './dispatcher.js';
import { WebhookEmitter } from './emitter.js';
import { webhookSpace } from './payload.js';
import { watchRoomForWebhooks } from './room-webhooks.js';

export { WebhookDispatcher, type DispatcherStats } from './dispatcher.js';
export { WebhookEmitter } from './emitter.js';

export interface WebhooksOptions {
  outbox: WebhookOutbox;
  /** the deployment's endpoints (settings) */
  endpoints: readonly WebhookTarget[];
  spaceUrls: SpaceWebhookPolicy;
  /** this node's id, part of the dispatcher's lease name */
  nodeId: string;
  /** the deployment's public URL, for links in events (known once the server listens) */
  baseUrl: () => string;
  log: Logger;
  now: () => number;
  /** dispatcher tuning (tests: fast retries) */
  dispatch?: Partial<Omit<DispatcherOptions, 'outbox' | 'owner' | 'log' | 'now'>>;
}

export interface Webhooks {
  readonly emitter: WebhookEmitter;
  readonly dispatcher: WebhookDispatcher;
  readonly port: WebhookPort;
  /** pass to the Space hub: watches each room this node loads (homes) */
  observeRoom(room: Room): void;
  close(): Promise<void>;
}

export function createWebhooks(o: WebhooksOptions): Webhooks {
  const log = o.log.child({ part: 'webhooks' });
  const dispatcher = new WebhookDispatcher({
    ...o.dispatch,
    outbox: o.outbox,
    owner: `${o.nodeId}/${randomBytes(4).toString('hex')}`,
    log,
    now: o.now,
  });
  const emitter = new WebhookEmitter({
    outbox: o.outbox,
    endpoints: o.endpoints,
    spaceEndpoints: o.spaceUrls !== 'off',
    log,
    onQueued: () => dispatcher.nudge(),
  });
  const port: WebhookPort = {
    spaceUrls: o.spaceUrls,
    spaceCreated(info) {
      const type = info.state === SpaceState.scheduled ? E.spaceScheduled : E.spaceOpened;
      const once = type === E.spaceOpened ? 'opened' : 'scheduled';
      void emitter.emit(
        type,
        { space: webhookSpace(info, o.baseUrl()) },
        { spaceId: info.id, at: o.now(), once },
      );
    },
    operatorBan(userId, spaceId, banned) {
      const at = o.now();
      if (banned) void emitter.emit(E.userBanned, { spaceId, userId, by: 'operator' }, { spaceId, at });
      else void emitter.emit(E.userUnbanned, { spaceId, userId, by: 'operator' }, { spaceId, at });
    },
  };
  if (!emitter.idle) dispatcher.start();
  return {
    emitter,
    dispatcher,
    port,
    observeRoom: (room) => {
      watchRoomForWebhooks(room, { emitter, baseUrl: o.baseUrl(), now: o.now });
    },
    async close() {
      emitter.close();
      await dispatcher.close();
    },
  };
}
