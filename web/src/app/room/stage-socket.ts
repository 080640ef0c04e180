/**
 * The stage WebSocket client (/v1/spaces/:id/stage?token=): commands carry a `ref` and resolve
 * on the matching `ack` or reject with an ApiError on the matching `error`. Reconnects with
 * jittered backoff after a close worth retrying (same rule as the player: network drops,
 * busy/rate-limited); any other close (refused, removed, ended, normal) is final. Lifecycle: connect() once, close() idempotent; send after close throws.
 */
import type { StageClientMessage, StageServerMessage } from '../../../../src/protocol/stage.js';

import { ApiError } from '../errors.js';
import { shouldReconnect } from '../../player/reconnect.js';

type Command = StageClientMessage extends infer M ? (M extends unknown ? Omit<M, 'ref'> : never) : never;

/** ms between pings that keep idle proxies from closing the socket */
const PING_MS = 20_000;
/** ms an unacknowledged command waits before failing */
const COMMAND_TIMEOUT_MS = 10_000;
/** reconnect backoff bounds, ms */
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;

export interface StageSocketOptions {
  url: string;
  onMessage: (msg: StageServerMessage) => void;
  /** connection status for the UI: 'connecting' | 'open' | 'closed' (final) */
  onStatus?: (status: 'connecting' | 'open' | 'closed', code?: number) => void;
}

export class StageSocket {
  private ws: WebSocket | null = null;
  private nextRef = 1;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void; timer: number }>();
  private closed = false;
  private attempts = 0;
  private pingTimer = 0;
  private retryTimer = 0;

  constructor(private readonly opts: StageSocketOptions) {}

  connect(): void {
    if (this.closed) throw new Error('StageSocket is closed');
    this.opts.onStatus?.('connecting');
    const ws = new WebSocket(this.opts.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.opts.onStatus?.('open');
      this.pingTimer = window.setInterval(() => this.raw({ type: 'ping' }), PING_MS);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: StageServerMessage;
      try {
        msg = JSON.parse(ev.data) as StageServerMessage;
      } catch {
        return;
      }
      this.settle(msg);
      this.opts.onMessage(msg);
    };
    ws.onclose = (ev) => {
      window.clearInterval(this.pingTimer);
      this.failPending(new ApiError('network', 'connection lost'));
      if (this.closed) return;
      if (!shouldReconnect(ev.code)) {
        this.closed = true;
        this.opts.onStatus?.('closed', ev.code);
        return;
      }
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempts++) * (0.5 + Math.random());
      this.opts.onStatus?.('connecting');
      this.retryTimer = window.setTimeout(() => {
        if (!this.closed) this.connect();
      }, delay);
    };
  }

  /** Sends a command and waits for its ack. */
  send(cmd: Command): Promise<void> {
    if (this.closed) return Promise.reject(new Error('StageSocket is closed'));
    const ref = this.nextRef++;
    return new Promise<void>((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new ApiError('network', 'not connected'));
        return;
      }
      const timer = window.setTimeout(() => {
        this.pending.delete(ref);
        reject(new ApiError('network', 'no answer from the server'));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(ref, { resolve, reject, timer });
      this.raw({ ...cmd, ref });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.retryTimer);
    this.failPending(new Error('StageSocket is closed'));
    this.ws?.close(1000);
    this.ws = null;
  }

  private raw(msg: StageClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private settle(msg: StageServerMessage): void {
    if (msg.type !== 'ack' && msg.type !== 'error') return;
    if (msg.ref === undefined) return;
    const p = this.pending.get(msg.ref);
    if (!p) return;
    this.pending.delete(msg.ref);
    window.clearTimeout(p.timer);
    if (msg.type === 'ack') p.resolve();
    else p.reject(new ApiError(msg.code, msg.message));
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) {
      window.clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}
