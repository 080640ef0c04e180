/**
 * WebSocket tier listeners over raw TCP: the HTTP upgrade by hand (one fixed key for all
 * listeners, so the expected accept hash is computed once), then FrameReader. One net.Socket,
 * one FrameReader and one ListenerProbe per listener; no timers.
 */
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { AUDIO_BATCH_KIND } from '../../protocol/audience.js';
import type { LoadMetrics } from '../metrics.js';
import type { ListenerProbe } from '../probe.js';
import { clientFrame, FrameReader, Opcode, type FrameSink } from './ws-frames.js';
import { abortSocket, HEAD_END, MAX_HEAD, openListenerSocket } from './raw-socket.js';
import { TierName, type ListenerTier, type TierListener, type TierTarget } from './tier.js';

const KEY = 'cm9zdHJhLWxvYWQtdG9vbA=='; // base64 of 16 bytes, the same for every listener
const ACCEPT = createHash('sha1')
  .update(KEY + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
  .digest('base64');
/** largest HTTP response head we accept, bytes */
const TYPE_RE = /^\{"type":"([a-z_]+)"/;

export function wsListenPath(target: TierTarget): string {
  const q = target.token ? `?token=${encodeURIComponent(target.token)}` : '';
  return `/v1/spaces/${encodeURIComponent(target.spaceId)}/listen${q}`;
}

class WsListener implements TierListener, FrameSink {
  readonly #socket: Socket;
  readonly #reader = new FrameReader(this);
  #head: Buffer | null = Buffer.alloc(0);
  #byUs = false;
  #done = false;
  /** code of the last {type:'error'} bulletin, reported when the server closes */
  #error = '';

  constructor(
    private readonly metrics: LoadMetrics,
    private readonly probe: ListenerProbe,
    host: string,
    port: number,
    request: string,
  ) {
    this.#socket = openListenerSocket(
      host,
      port,
      request,
      (chunk) => this.#data(chunk),
      (code) => this.#end(code ?? (this.#error || 'socket_closed')),
    );
  }

  #data(chunk: Buffer): void {
    this.metrics.bytes += chunk.length;
    if (this.#head === null) return this.#reader.push(chunk);
    const head = this.#head.length ? Buffer.concat([this.#head, chunk]) : chunk;
    const at = head.indexOf(HEAD_END);
    if (at < 0) {
      if (head.length > MAX_HEAD) return this.#fail('bad_handshake');
      this.#head = Buffer.from(head);
      return;
    }
    const text = head.subarray(0, at).toString('latin1');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? '???';
    if (status !== '101') return this.#fail(`http_${status}`);
    if (!text.toLowerCase().includes(`sec-websocket-accept: ${ACCEPT.toLowerCase()}`))
      return this.#fail('bad_accept');
    this.#head = null;
    if (head.length > at + 4) this.#reader.push(head.subarray(at + 4));
  }

  batch(kind: number, frames: number, seq: number, mixedAt: number): void {
    if (kind === AUDIO_BATCH_KIND && frames > 0) this.probe.audio(Date.now(), seq, frames, mixedAt);
  }

  text(payload: Buffer): void {
    const type = TYPE_RE.exec(payload.toString('latin1', 0, Math.min(payload.length, 40)))?.[1];
    if (type === 'welcome') this.probe.joined(Date.now());
    else if (type === 'error') {
      try {
        const code = (JSON.parse(payload.toString('utf8')) as { code?: unknown }).code;
        this.#error = typeof code === 'string' ? code : 'error';
      } catch {
        this.#error = 'error';
      }
    } else if (type === 'ended' || type === 'removed') this.#error = type;
  }

  closeFrame(code: number, reason: string): void {
    if (!this.#error) this.#error = `close_${code}${reason ? `_${reason.replace(/\W+/g, '_')}` : ''}`;
    this.#end(this.#error);
  }

  close(): void {
    if (this.#byUs || this.#done) return;
    this.#byUs = true;
    // the close frame without our FIN: the server answers and closes first, so the TIME_WAIT
    // (and its port) is not ours (raw-socket.ts abortSocket)
    if (this.#head === null && this.#socket.writable) this.#socket.write(clientFrame(Opcode.close));
    else abortSocket(this.#socket);
  }

  destroy(): void {
    this.#byUs = true;
    abortSocket(this.#socket);
  }

  ping(payload: Buffer): void {
    if (payload.length <= 125) this.#socket.write(clientFrame(Opcode.pong, payload));
  }

  protocolError(what: string): void {
    this.#fail(what.replace(/\W+/g, '_'));
  }

  #fail(reason: string): void {
    this.#error = reason;
    this.#end(reason);
  }

  #end(reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.probe.closed(this.#byUs, reason);
    abortSocket(this.#socket);
  }
}

export function createWsTier(metrics: LoadMetrics): ListenerTier {
  return {
    name: TierName.websocket,
    measuresDelay: true,
    open(target, probe) {
      const url = new URL(target.baseUrl);
      const port = Number(url.port || 80);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const request =
        `GET ${wsListenPath(target)} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
      return new WsListener(metrics, probe, host, port, request);
    },
    async check() {
      // the listen route is part of every node
    },
  };
}
