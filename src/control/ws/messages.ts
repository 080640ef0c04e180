import type { WebSocket, RawData } from 'ws';
import type { z } from 'zod';
import { LIMITS } from '../../protocol/limits.js';
import { isRostraError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { TokenBucket } from '../rate-limit.js';
import { parseJsonMessage } from '../validation/parse.js';
import { sendError, sendJson, refuse } from './send.js';

/** Sockets that keep flooding after being told are closed after this many refused messages. */
const MAX_REFUSALS_IN_A_ROW = 50;

/**
 * Reads JSON commands from a socket: rate limit, size limit, validation, then `handle`, one at
 * a time in arrival order. Replies `ack` (with the client's ref) or `error` with a stable code;
 * a refused message changes nothing. `pong` answers `ping` without touching the room.
 */
export function readCommands<S extends z.ZodType<{ type: string; ref?: number }>>(
  ws: WebSocket,
  schema: S,
  handle: (msg: z.output<S>) => Promise<void>,
  log: Logger,
): void {
  const bucket = new TokenBucket(LIMITS.wsMessagesPerSecond, LIMITS.wsMessageBurst);
  let chain = Promise.resolve();
  let refusals = 0;
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!bucket.take()) {
      sendError(ws, 'too_many_requests');
      if (++refusals > MAX_REFUSALS_IN_A_ROW) refuse(ws, 'too_many_requests');
      return;
    }
    if (isBinary) {
      sendError(ws, 'bad_request', 'binary messages are not accepted from clients');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    let msg: z.output<S>;
    try {
      msg = parseJsonMessage(schema, text, LIMITS.maxWsMessageBytes);
    } catch (e) {
      if (isRostraError(e)) sendError(ws, e.code, e.message);
      return;
    }
    refusals = 0;
    const ref = msg.ref;
    if (msg.type === 'ping') {
      sendJson(ws, { type: 'pong' });
      return;
    }
    chain = chain.then(async () => {
      try {
        await handle(msg);
        if (ref !== undefined) sendJson(ws, { type: 'ack', ref });
      } catch (e) {
        if (isRostraError(e)) return sendError(ws, e.code, e.message, ref);
        log.error({ err: e, type: msg.type }, 'command failed');
        sendError(ws, 'internal', undefined, ref);
      }
    });
  });
}
