import type { WebSocket } from 'ws';
import { ERRORS, type ErrorCode } from '../../protocol/errors.js';

/** Sends one JSON message if the socket is open; a closed socket is not an error. */
export function sendJson(ws: WebSocket, msg: object): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

export function sendError(ws: WebSocket, code: ErrorCode, message?: string, ref?: number): void {
  sendJson(ws, {
    type: 'error',
    code,
    message: message ?? ERRORS[code].message,
    ...(ref === undefined ? {} : { ref }),
  });
}

/** Tells the client why, then closes with the catalog's WebSocket close code (reason = code). */
export function refuse(ws: WebSocket, code: ErrorCode, message?: string): void {
  sendError(ws, code, message);
  ws.close(ERRORS[code].ws, code);
}
