/**
 * A listener tier of the load tool: how one simulated listener connects and turns what it
 * receives into probe events. Every tier must keep a listener's cost tiny (no per-listener
 * timers, no decoding) because one process simulates ~15k of them.
 *
 *   websocket  GET /v1/spaces/:id/listen (ws-tier.ts)      audio batches with seq and mixedAt
 *   ogg        GET /v1/spaces/:id/listen.opus?media=…     Ogg pages: granule -> seq (ogg-tier.ts)
 *   hls        GET /v1/spaces/:id/hls/:token/playlist.m3u8 blocking playlist reload + parts (hls-tier.ts)
 */
import type { ListenerProbe } from '../probe.js';
import type { LoadMetrics } from '../metrics.js';

export const TierName = { websocket: 'websocket', ogg: 'ogg', hls: 'hls' } as const;
export type TierName = (typeof TierName)[keyof typeof TierName];

export interface TierTarget {
  /** http://host:port of the node (no trailing slash) */
  baseUrl: string;
  spaceId: string;
  /** listen as this account; anonymous when absent */
  token?: string;
  /** Ogg only: a ready stream path on baseUrl (e.g. an Icecast mount) instead of the Space's */
  streamPath?: string;
}

/** One simulated listener. */
export interface TierListener {
  /** ends the connection politely; idempotent; the probe records it as closed by us */
  close(): void;
  /** tears the connection down at once (end of run, after close() had its chance) */
  destroy(): void;
}

export interface ListenerTier {
  readonly name: TierName;
  /** whether audio carries the server's mix clock, i.e. delay behind live is measured */
  readonly measuresDelay: boolean;
  /** opens one listener; never throws: failures go to the probe */
  open(target: TierTarget, probe: ListenerProbe): TierListener;
  /** checks once, before the run, that the node serves this tier; throws a clear Error if not */
  check(target: TierTarget): Promise<void>;
  /** releases what the tier shares between listeners (connection pools); after all listeners closed */
  close?(): void;
}

export type TierFactory = (metrics: LoadMetrics) => ListenerTier;
