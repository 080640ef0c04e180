import { runWebhookOutboxConformance } from '../../ports/webhook-outbox.conformance.js';
import { MemoryWebhookOutbox } from './memory-outbox.js';

runWebhookOutboxConformance('memory (unit-test double)', async () => ({
  outbox: new MemoryWebhookOutbox(),
  cleanup: async () => {},
}));
