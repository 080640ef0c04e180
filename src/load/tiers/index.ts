/** The listener tiers the load tool knows, by name. */
import type { LoadMetrics } from '../metrics.js';
import { TierName, type ListenerTier } from './tier.js';
import { createWsTier } from './ws-tier.js';

export * from './tier.js';

/** the listener tier `name`; throws for a tier the load tool cannot simulate yet */
export function createTier(name: TierName, metrics: LoadMetrics): ListenerTier {
  if (name === TierName.websocket) return createWsTier(metrics);
  // Ogg (GET /v1/spaces/:id/listen.opus) and LL-HLS (GET /v1/spaces/:id/hls/playlist.m3u8)
  // were not served by the node when this was written; see tier.ts for how they slot in.
  throw new Error(`the load tool cannot simulate ${name} listeners yet (only websocket)`);
}
