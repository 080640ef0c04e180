/**
 * The deployment's webhook endpoints from settings: `--webhook-urls` (comma-separated) signed
 * with `--webhook-secret`. A bad value stops the node at start with a message naming the
 * setting, rather than failing every delivery later.
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookTarget } from '../../core/ports/webhook-outbox.js';

export function deploymentEndpoints(urls: string, secret: string): WebhookTarget[] {
  const list = urls
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (list.length === 0) return [];
  if (!secret)
    throw new Error('--webhook-urls needs --webhook-secret (ROSTRA_WEBHOOK_SECRET), whsec_<base64>');
  try {
    new Webhook(secret).sign('msg_check', new Date(), '{}');
  } catch (cause) {
    throw new Error('--webhook-secret must be whsec_ followed by base64 (e.g. 32 random bytes)', { cause });
  }
  return list.map((url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw new Error(`--webhook-urls: '${url}' is not a URL`, { cause });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new Error(`--webhook-urls: '${url}' must be http:// or https://`);
    return { url: parsed.toString(), secret };
  });
}
