/**
 * LL-HLS tier listeners: a minimal low-latency client per listener over keep-alive HTTP —
 *   GET playlist.m3u8[?_HLS_msn=M&_HLS_part=P]  -> the PRELOAD-HINT part and its media time
 *   GET part-M.P.m4s (blocks at the live edge)  -> audio (bytes counted, never decoded)
 * then again from the part it got. Two requests per part (400 ms), so this tier costs far
 * more per listener than the socket tiers, at the origin unless a cache is in front of it
 * (--listen-url) and in the load tool either way (~0.85–1.2 ms per listener-second).
 * Delay behind live: arrival - (EXT-X-PROGRAM-DATE-TIME of the part's segment + the durations
 * of the parts before it), the server's mix clock, like the WebSocket tier.
 */
import { Agent, request, type ClientRequest } from 'node:http';
import { FRAME_MS } from '../../protocol/audience.js';
import type { LoadMetrics } from '../metrics.js';
import type { ListenerProbe } from '../probe.js';
import { TierName, type ListenerTier, type TierListener, type TierTarget } from './tier.js';

/** what a listener needs from a media playlist */
export interface PlaylistView {
  /** the part to fetch next: msn, index and its estimated mixedAt (ms) */
  hint: { msn: number; index: number; mixedAt: number } | null;
  partTargetMs: number;
  ended: boolean;
}

/** reads PART-TARGET, the last PROGRAM-DATE-TIME with the parts after it, and the PRELOAD-HINT */
export function readPlaylist(text: string): PlaylistView {
  let partTargetMs = 200;
  let segStart = NaN;
  let offset = 0;
  let hint: PlaylistView['hint'] = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-PART-INF:')) {
      const v = /PART-TARGET=([\d.]+)/.exec(line)?.[1];
      if (v) partTargetMs = Math.round(Number(v) * 1000);
    } else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      segStart = Date.parse(line.slice(25));
      offset = 0;
    } else if (line.startsWith('#EXT-X-PART:')) {
      offset += Number(/DURATION=([\d.]+)/.exec(line)?.[1] ?? 0) * 1000;
    } else if (line.startsWith('#EXTINF:')) {
      // a complete segment: the next PROGRAM-DATE-TIME starts a new one
    } else if (line.startsWith('#EXT-X-PRELOAD-HINT:')) {
      const m = /URI="part-(\d+)\.(\d+)\.m4s"/.exec(line);
      if (m) {
        const index = Number(m[2]);
        // a hint at index 0 opens a new segment right after the last listed part
        hint = { msn: Number(m[1]), index, mixedAt: segStart + offset };
      }
    }
  }
  return { hint, partTargetMs, ended: text.includes('#EXT-X-ENDLIST') };
}

class HlsListener implements TierListener {
  #req: ClientRequest | null = null;
  #done = false;
  #byUs = false;

  constructor(
    private readonly metrics: LoadMetrics,
    private readonly probe: ListenerProbe,
    private readonly base: URL,
    private readonly agent: Agent,
  ) {
    this.#playlist('playlist.m3u8');
  }

  #get(path: string, onBody: (status: number, body: Buffer | null) => void, keep: boolean): void {
    if (this.#done) return;
    const url = new URL(path, this.base);
    const chunks: Buffer[] = [];
    const req = request(url, { agent: this.agent }, (res) => {
      res.on('data', (c: Buffer) => {
        this.metrics.bytes += c.length;
        if (keep) chunks.push(c);
      });
      res.on('end', () => onBody(res.statusCode ?? 0, keep ? Buffer.concat(chunks) : null));
      res.on('error', () => this.#end('response_error'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => this.#end(e.code ?? 'request_error'));
    req.end();
    this.#req = req;
  }

  #playlist(path: string): void {
    this.#get(
      path,
      (status, body) => {
        if (status !== 200) return this.#end(`http_${status}`);
        this.probe.joined(Date.now());
        const view = readPlaylist(body?.toString('utf8') ?? '');
        if (view.ended) return this.#end('ended');
        if (!view.hint) return this.#end('no_preload_hint');
        const { msn, index, mixedAt } = view.hint;
        this.#part(msn, index, mixedAt, Math.max(1, Math.round(view.partTargetMs / FRAME_MS)));
      },
      true,
    );
  }

  #part(msn: number, index: number, mixedAt: number, frames: number): void {
    this.#get(
      `part-${msn}.${index}.m4s`,
      (status) => {
        if (status !== 200) return this.#end(`http_${status}`);
        const seq = Math.round(mixedAt / FRAME_MS) >>> 0;
        if (mixedAt === mixedAt) this.probe.audio(Date.now(), seq, frames, mixedAt);
        this.#playlist(`playlist.m3u8?_HLS_msn=${msn}&_HLS_part=${index}`);
      },
      false,
    );
  }

  close(): void {
    if (this.#done) return;
    this.#byUs = true;
    this.#end('closed');
  }

  destroy(): void {
    this.close();
  }

  #end(reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#req?.destroy();
    this.probe.closed(this.#byUs, reason);
  }
}

export function createHlsTier(metrics: LoadMetrics): ListenerTier {
  let playlistUrl: URL | null = null;
  /** keep-alive connections shared by this run's HLS listeners (one in use per listener) */
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 100_000 });
  return {
    name: TierName.hls,
    measuresDelay: true,
    async check(target: TierTarget) {
      const res = await fetch(`${target.baseUrl}/v1/spaces/${encodeURIComponent(target.spaceId)}/media`, {
        headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      });
      const body = (await res.json().catch(() => null)) as { hls?: unknown } | null;
      if (res.status !== 200 || typeof body?.hls !== 'string')
        throw new Error(`this node does not serve the HLS tier (GET /media: ${res.status})`);
      playlistUrl = new URL(body.hls, target.baseUrl);
    },
    open(_target, probe) {
      if (!playlistUrl) throw new Error('HLS tier: check() first');
      return new HlsListener(metrics, probe, playlistUrl, agent);
    },
    close() {
      agent.destroy();
    },
  };
}
