/**
 * Counters the node under load exposes on GET /metrics, read at the edges of the baseline and
 * steady windows: the mixer's frames and late ticks (its on-time rate) and the LL-HLS requests
 * that reached the node (with a cache in front, what the cache let through to the origin).
 */

export interface NodeCounters {
  /** Date.now() when read */
  at: number;
  frames: number;
  lateTicks: number;
  /** rostra_hls_requests_total; null on a node without it */
  hlsRequests: number | null;
}

/** the counters from GET /metrics; null when the node does not expose the mixer's */
export async function readNodeCounters(baseUrl: string): Promise<NodeCounters | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`);
    if (res.status !== 200) return null;
    const text = await res.text();
    const read = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
    const frames = read('rostra_mixer_frames_total');
    const lateTicks = read('rostra_mixer_late_ticks_total');
    const hls = read('rostra_hls_requests_total');
    if (!Number.isFinite(frames) || !Number.isFinite(lateTicks)) return null;
    return { at: Date.now(), frames, lateTicks, hlsRequests: Number.isFinite(hls) ? hls : null };
  } catch {
    return null;
  }
}

/** share of mixer ticks on time between two readings; null when unknown or no frames */
export function onTimeRate(a: NodeCounters | null, b: NodeCounters | null): number | null {
  if (!a || !b) return null;
  const frames = b.frames - a.frames;
  if (frames <= 0) return null;
  return Math.round((1 - (b.lateTicks - a.lateTicks) / frames) * 10_000) / 10_000;
}

/** LL-HLS requests per second the node answered between two readings; null when unknown */
export function hlsRequestRate(a: NodeCounters | null, b: NodeCounters | null): number | null {
  if (!a || !b || a.hlsRequests === null || b.hlsRequests === null || b.at <= a.at) return null;
  return Math.round(((b.hlsRequests - a.hlsRequests) / ((b.at - a.at) / 1000)) * 10) / 10;
}
