/**
 * Ogg tier listeners: GET /v1/spaces/:id/listen.opus?media=TOKEN over raw TCP (one media URL,
 * fetched once from GET /v1/spaces/:id/media, serves every listener), chunked body decoded and
 * Ogg page headers read as they stream by.
 *
 * Ogg carries no server clock, so "delay behind live" here is RELATIVE: each page's arrival
 * minus its media time (granule / 48 kHz) gives an offset; the smallest offset seen by any
 * listener in the run is taken as the best case, and a page's delay is its offset minus that
 * best case plus the page's own duration (the time the server waited to fill it).
 */
import type { Socket } from 'node:net';
import { FRAME_MS, FRAME_SAMPLES } from '../../protocol/audience.js';
import type { LoadMetrics } from '../metrics.js';
import type { ListenerProbe } from '../probe.js';
import { ChunkedDecoder, OggPageReader, type OggPageHead } from './ogg-pages.js';
import { abortSocket, HEAD_END, MAX_HEAD, openListenerSocket } from './raw-socket.js';
import { TierName, type ListenerTier, type TierListener, type TierTarget } from './tier.js';

/** Ogg page flag: last page of the stream */
const EOS = 4;

/** shared by all Ogg listeners of a run: the smallest (arrival - media time) seen, ms */
class OggClock {
  best = Infinity;
}

class OggListener implements TierListener {
  readonly #socket: Socket;
  #head: Buffer | null = Buffer.alloc(0);
  #body: ((b: Buffer) => void) | null = null;
  #byUs = false;
  #done = false;
  #reason = '';

  constructor(
    private readonly metrics: LoadMetrics,
    private readonly probe: ListenerProbe,
    private readonly clock: OggClock,
    host: string,
    port: number,
    request: string,
  ) {
    this.#socket = openListenerSocket(
      host,
      port,
      request,
      (chunk) => this.#data(chunk),
      (code) => this.#end(code ?? (this.#reason || 'socket_closed')),
    );
  }

  #data(chunk: Buffer): void {
    this.metrics.bytes += chunk.length;
    try {
      if (this.#body) return this.#body(chunk);
      const head = this.#head && this.#head.length ? Buffer.concat([this.#head, chunk]) : chunk;
      const at = head.indexOf(HEAD_END);
      if (at < 0) {
        if (head.length > MAX_HEAD) return this.#end('bad_response');
        this.#head = Buffer.from(head);
        return;
      }
      const text = head.subarray(0, at).toString('latin1');
      const status = /^(?:HTTP\/1\.[01]|ICY) (\d{3})/.exec(text)?.[1] ?? '???';
      if (status !== '200') return this.#end(`http_${status}`);
      this.#head = null;
      this.probe.joined(Date.now());
      const pages = new OggPageReader((p) => this.#page(p));
      if (/\r\ntransfer-encoding:\s*chunked/i.test(text)) {
        const dechunk = new ChunkedDecoder((b) => pages.push(b));
        this.#body = (b) => dechunk.push(b);
      } else this.#body = (b) => pages.push(b);
      if (head.length > at + 4) this.#body(head.subarray(at + 4));
    } catch (e) {
      this.#end(e instanceof Error ? e.message.replace(/\W+/g, '_') : 'bad_stream');
    }
  }

  #page(p: OggPageHead): void {
    if (p.flags & EOS) this.#reason = 'ended';
    if (p.granule <= 0 || p.packets === 0) return;
    const now = Date.now();
    const endIndex = Math.floor(p.granule / FRAME_SAMPLES);
    const offset = now - endIndex * FRAME_MS;
    if (offset < this.clock.best) this.clock.best = offset;
    const first = endIndex - p.packets;
    // estimated mixedAt of the first frame: best-case offset puts the page's end at "now"
    const mixedAt = this.clock.best + first * FRAME_MS;
    this.probe.audio(now, first >>> 0, p.packets, mixedAt);
  }

  close(): void {
    if (this.#byUs || this.#done) return;
    this.#byUs = true;
    abortSocket(this.#socket); // a stream has no polite end; a reset leaves no TIME_WAIT here
  }

  destroy(): void {
    this.#byUs = true;
    abortSocket(this.#socket);
  }

  #end(reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.probe.closed(this.#byUs, reason);
    abortSocket(this.#socket);
  }
}

export function createOggTier(metrics: LoadMetrics): ListenerTier {
  const clock = new OggClock();
  let path = '';
  return {
    name: TierName.ogg,
    measuresDelay: true,
    async check(target: TierTarget) {
      if (target.streamPath) {
        path = target.streamPath;
        return;
      }
      const res = await fetch(`${target.baseUrl}/v1/spaces/${encodeURIComponent(target.spaceId)}/media`, {
        headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      });
      const body = (await res.json().catch(() => null)) as { ogg?: unknown } | null;
      if (res.status !== 200 || typeof body?.ogg !== 'string')
        throw new Error(`this node does not serve the Ogg tier (GET /media: ${res.status})`);
      path = body.ogg;
    },
    open(target, probe) {
      if (!path) throw new Error('Ogg tier: check() first');
      const url = new URL(target.baseUrl);
      const request = `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: audio/ogg\r\n\r\n`;
      return new OggListener(
        metrics,
        probe,
        clock,
        url.hostname.replace(/^\[|\]$/g, ''),
        Number(url.port || 80),
        request,
      );
    },
  };
}
