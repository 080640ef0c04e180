/**
 * The HTTP audience tiers of this node: per Space an LL-HLS packager (HlsStream) and an
 * Ogg/Opus stream with its fan-out (OggStream + OggFanout), fed with the mixed frames through
 * two FrameSinks ('hls', 'ogg'), and served by src/control/http/routes/media.ts through the
 * MediaTiers port.
 *
 * Lifecycle per Space: the sinks are created when the room loads on this node; push() feeds
 * every 20 ms frame; end() (Space ended) writes EXT-X-ENDLIST / the EOS page; close() (runtime
 * gone ~1 s later, or node shutdown) drops the Ogg stream at once, while an ended HLS stream
 * stays readable for `retainMs` (default 10 min) and is then freed. A Space that is closed
 * without ending (shutdown, failover) drops both at once.
 */
import type { SpaceId } from '../../protocol/ids.js';
import type { Logger } from '../../core/log.js';
import {
  HlsStream,
  handleHlsRequest,
  type HlsResponse,
  type HlsStreamOptions,
} from '../../audience/hls/index.js';
import {
  OGG_RESPONSE_HEADERS,
  OggFanout,
  OggStream,
  type OggFanoutOptions,
  type OggStreamOptions,
} from '../../audience/ogg/index.js';
import { MediaTokens, type MediaTokenOptions } from '../../control/media-tokens.js';
import type { MediaSink, MediaTiers } from '../../control/ports.js';
import type { FrameSink, SinkFactory } from '../stage-plane.js';
import { RetentionRegistry } from './hls-retention.js';

export interface HlsOggTiersOptions {
  /** the server's token secret; media URLs are signed with a key derived from it */
  secret: Uint8Array;
  log: Logger;
  /** ms an ended Space's HLS stream stays readable; default 10 min */
  retainMs?: number;
  tokens?: Omit<MediaTokenOptions, 'secret'>;
  hls?: HlsStreamOptions;
  ogg?: OggStreamOptions & OggFanoutOptions;
}

export const DEFAULT_RETAIN_MS = 10 * 60_000;

interface OggEntry {
  stream: OggStream;
  fanout: OggFanout;
  readonly ended: boolean;
  close(): void;
}

export class HlsOggTiers implements MediaTiers {
  readonly tokens: MediaTokens;
  /** pass to LocalSpaceHub({ sinks }) */
  readonly sinks: readonly SinkFactory[];
  readonly #hls: RetentionRegistry<HlsStream>;
  readonly #ogg = new RetentionRegistry<OggEntry>(0);
  readonly #opts: HlsOggTiersOptions;
  /** LL-HLS requests that reached a stream on this node (behind a cache: what the cache let through) */
  #hlsRequests = 0;

  constructor(opts: HlsOggTiersOptions) {
    this.#opts = opts;
    this.tokens = new MediaTokens({ ...opts.tokens, secret: opts.secret });
    this.#hls = new RetentionRegistry(opts.retainMs ?? DEFAULT_RETAIN_MS);
    this.sinks = [
      { name: 'hls', create: ({ id }) => this.#hlsSink(id) },
      { name: 'ogg', create: ({ id }) => this.#oggSink(id) },
    ];
  }

  async hls(spaceId: SpaceId, file: string, query: URLSearchParams): Promise<HlsResponse | null> {
    const stream = this.#hls.get(spaceId);
    if (!stream) return null;
    this.#hlsRequests++;
    return handleHlsRequest(stream, file, query);
  }

  ogg(spaceId: SpaceId): { headers: Record<string, string>; attach(res: MediaSink): () => void } | null {
    const entry = this.#ogg.get(spaceId);
    if (!entry) return null;
    return { headers: { ...OGG_RESPONSE_HEADERS }, attach: (res) => entry.fanout.attach(res) };
  }

  /** streams held (live + ended within retention), Ogg listeners attached, LL-HLS requests so far */
  stats(): { hlsStreams: number; oggStreams: number; oggListeners: number; hlsRequests: number } {
    let oggListeners = 0;
    for (const entry of this.#ogg.values()) oggListeners += entry.fanout.size;
    return {
      hlsStreams: this.#hls.size,
      oggStreams: this.#ogg.size,
      oggListeners,
      hlsRequests: this.#hlsRequests,
    };
  }

  /** frees every stream (node shutdown); idempotent */
  close(): void {
    this.#hls.close();
    this.#ogg.close();
  }

  #hlsSink(id: SpaceId): FrameSink | null {
    // an ended Space reloaded on this node keeps its retained, ended stream
    if (this.#hls.get(id)?.ended) return null;
    const stream = new HlsStream(this.#opts.hls);
    this.#hls.set(id, stream);
    const log = this.#opts.log;
    return {
      push: (frame) => {
        if (!stream.ended) stream.push(frame);
      },
      end: () => {
        if (stream.ended) return;
        stream.end();
        this.#hls.expireLater(id, stream);
        log.debug({ spaceId: id }, 'hls stream ended');
      },
      close: () => {
        if (!stream.ended) this.#hls.delete(id, stream);
      },
    };
  }

  #oggSink(id: SpaceId): FrameSink {
    const stream = new OggStream(this.#opts.ogg);
    const fanout = new OggFanout(stream, this.#opts.ogg);
    const entry: OggEntry = {
      stream,
      fanout,
      get ended() {
        return stream.ended;
      },
      close() {
        fanout.close();
        stream.close();
      },
    };
    this.#ogg.set(id, entry);
    return {
      push: (frame) => {
        if (!stream.ended) stream.push(frame);
      },
      // the EOS page ends every listener's response (OggFanout)
      end: () => stream.end(),
      close: () => this.#ogg.delete(id, entry),
    };
  }
}

export function createHlsOggTiers(opts: HlsOggTiersOptions): HlsOggTiers {
  return new HlsOggTiers(opts);
}
