/**
 * The raw TCP listener connection the WebSocket and Ogg tiers share: connect, send one HTTP
 * request, hand every read to `onData`. One receive buffer serves every socket of the run (net
 * `onread`): reads are handled synchronously, so sharing it is safe and no Buffer is allocated
 * per read — the load tool must stay cheap per listener.
 */
import { connect, type Socket } from 'node:net';

const SHARED_READ = Buffer.allocUnsafe(64 * 1024);
/** end of the HTTP response head */
export const HEAD_END = Buffer.from('\r\n\r\n');
/** the largest response head accepted, bytes */
export const MAX_HEAD = 8192;

/**
 * `onData` gets a view into the shared buffer, valid only during the call; `onEnd` gets the
 * socket error code, or undefined when the socket simply closed (it may be called twice).
 */
export function openListenerSocket(
  host: string,
  port: number,
  request: string,
  onData: (chunk: Buffer) => void,
  onEnd: (errorCode: string | undefined) => void,
): Socket {
  const socket = connect({
    host,
    port,
    noDelay: true,
    onread: {
      buffer: SHARED_READ,
      callback: (n) => {
        onData(SHARED_READ.subarray(0, n));
        return true;
      },
    },
  });
  socket.once('connect', () => socket.write(request));
  socket.on('error', (e: NodeJS.ErrnoException) => onEnd(e.code ?? 'socket_error'));
  socket.once('close', () => onEnd(undefined));
  return socket;
}

/**
 * Ends a listener's connection with a TCP reset. A client that closes first keeps its port in
 * TIME_WAIT for 60 s, and a run of 15,000 listeners would leave the next run (seconds later)
 * half the ephemeral port range (28k ports here): its connects then crawl while the kernel
 * hunts for a free port, which measured as the load tool stalling for a second.
 */
export function abortSocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting || socket.readyState === 'open' || socket.readyState === 'writeOnly')
    socket.resetAndDestroy();
  else socket.destroy();
}
