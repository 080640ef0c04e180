/** The listener tiers the load tool knows, by name. */
import type { LoadMetrics } from '../metrics.js';
import { TierName, type ListenerTier } from './tier.js';
import { createHlsTier } from './hls-tier.js';
import { createOggTier } from './ogg-tier.js';
import { createWsTier } from './ws-tier.js';

export * from './tier.js';

/** the listener tier `name`; throws for a tier the load tool cannot simulate yet */
export function createTier(name: TierName, metrics: LoadMetrics): ListenerTier {
  if (name === TierName.websocket) return createWsTier(metrics);
  if (name === TierName.ogg) return createOggTier(metrics);
  return createHlsTier(metrics);
}
