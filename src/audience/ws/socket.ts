/**
 * The socket shape the audience fan-out writes to, and helpers for whoever accepts the sockets.
 *
 * The fan-out does not accept connections: the control layer owns the HTTP upgrade, routing
 * (`/v1/spaces/:id/listen`), token checks and admission, then hands each accepted `ws` WebSocket
 * to `AudienceFanout.attach`. `ws`'s WebSocket satisfies `FanoutSocket` as it is.
 */
import type { Socket } from 'node:net';
import { LIMITS } from '../../protocol/limits.js';

/** WebSocket readyState values (same numbers as the browser and `ws`). */
export const WS_READY_STATE = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

/** What the fan-out needs from a socket: the subset of `ws`'s WebSocket it uses. */
export interface FanoutSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed */
  readonly readyState: number;
  /** bytes queued in user space and not yet handed to the kernel */
  readonly bufferedAmount: number;
  /** `binary: false` sends a text frame; the same Buffer may be passed to many sockets */
  send(data: Buffer, options: { binary: boolean }, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/**
 * Options for the `ws` server that accepts listen sockets (spread them into `new WebSocketServer`).
 * No per-message deflate: Opus does not compress, and zlib per socket would cost CPU and memory
 * per listener and defeat writing the same bytes to everyone.
 */
export const AUDIENCE_WS_SERVER_OPTIONS = {
  perMessageDeflate: false,
  /** largest message a listener may send, bytes */
  maxPayload: LIMITS.maxWsMessageBytes,
  /** the fan-out tracks its sockets; a second Set in the server is not needed */
  clientTracking: false,
} as const;

/** ms of idle before TCP keep-alive probes start on a listen socket */
const KEEPALIVE_MS = 30_000;

/**
 * Tunes the raw TCP socket of an accepted listen connection (`request.socket` in the upgrade
 * handler): no Nagle delay, so a 60 ms batch leaves at once, and keep-alive so a vanished peer
 * is noticed even when no audio flows.
 */
export function configureListenSocket(raw: Socket): void {
  raw.setNoDelay(true);
  raw.setKeepAlive(true, KEEPALIVE_MS);
}

/** One unmasked, final WebSocket frame (server to client) around `payload`. */
export function frameWebSocketMessage(payload: Uint8Array, binary: boolean): Buffer {
  const opcode = binary ? 0x82 : 0x81;
  const n = payload.byteLength;
  const headerBytes = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerBytes + n);
  out[0] = opcode;
  if (n < 126) {
    out[1] = n;
  } else if (n < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  out.set(payload, headerBytes);
  return out;
}
