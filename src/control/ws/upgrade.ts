import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { asSpaceId, isId } from '../../protocol/ids.js';
import { LIMITS } from '../../protocol/limits.js';
import { Role } from '../../protocol/space.js';
import { RostraError, isRostraError } from '../../core/errors.js';
import type { ControlDeps } from '../ports.js';
import { actorOf, optionalPrincipal } from '../principal.js';
import { audienceClientSchema, stageClientSchema } from '../validation/schemas.js';
import { readCommands } from './messages.js';
import { admitListener } from './admit-listener.js';
import { refuse } from './send.js';
import { Heartbeat } from './heartbeat.js';
import { systemClock } from '../../core/ports/clock.js';
import { ERRORS, type ErrorCode, type ErrorBody } from '../../protocol/errors.js';

/** a plain HTTP refusal of an upgrade, before any WebSocket exists (the body is an ErrorBody) */
function refusal(code: ErrorCode): string {
  const { http, message } = ERRORS[code];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  const head = `HTTP/1.1 ${http} ${code}\r\nConnection: close\r\nContent-Type: application/json\r\n`;
  return `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const ROUTE = /^\/v1\/spaces\/([^/]+)\/(stage|listen)$/;

/**
 * Accepts WebSocket upgrades for `/v1/spaces/:id/stage` and `/v1/spaces/:id/listen`.
 * Authentication and admission happen after the upgrade so a browser can read the reason:
 * a refused socket gets `{type:'error', code}` and is closed with the catalog's close code.
 */
export function installWebSockets(server: Server, deps: ControlDeps): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxWsMessageBytes,
    perMessageDeflate: false,
  });
  // a socket that missed one pong in 30 s is terminated; pings go out in slices (heartbeat.ts)
  const heartbeat = new Heartbeat(wss.clients, systemClock);
  heartbeat.start();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ROUTE.exec(url.pathname);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.on('error', () => socket.destroy());
    // every listener and stage socket counts against its client's connection cap
    const release = deps.net.streams.acquire(deps.net.addressOf(req));
    if (!release) {
      socket.end(refusal('too_many_connections'));
      return;
    }
    socket.once('close', release);
    // hold the 101 response until the end of this turn of the event loop: when the Space and
    // admission answer at once (the usual join) the welcome follows in the same turn and both
    // leave in one write instead of two (~40 µs less per join in a storm, docs/benchmarks.md)
    if (socket instanceof Socket) {
      socket.cork();
      setImmediate(() => socket.uncork());
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      heartbeat.alive(ws);
      ws.on('pong', () => heartbeat.alive(ws));
      ws.on('error', () => ws.terminate());
      const kind = match[2] === 'stage' ? 'stage' : 'listen';
      onSocket(ws, kind, match[1] ?? '', req, url).catch((e: unknown) => {
        if (isRostraError(e)) return refuse(ws, e.code, e.message);
        deps.log.error({ err: e }, 'socket setup failed');
        refuse(ws, 'internal');
      });
    });
  });

  async function onSocket(
    ws: WebSocket,
    kind: 'stage' | 'listen',
    rawId: string,
    req: IncomingMessage,
    url: URL,
  ) {
    if (!isId(rawId)) throw new RostraError('space_not_found');
    const principal = await optionalPrincipal(deps.tokens, req.headers, url);
    const actor = actorOf(principal);
    const room = await deps.hub.room(asSpaceId(rawId));
    await room.admit(actor);
    if (ws.readyState !== ws.OPEN) return;
    const address = deps.net.addressOf(req);
    if (kind === 'listen') {
      const admitted = await admitListener(deps, ws, room, actor.userId, address);
      if (!admitted) return;
      const detach = deps.hub.attachListener(room, ws, actor, req.socket);
      ws.once('close', () => {
        detach();
        admitted.release();
      });
      readCommands(
        ws,
        audienceClientSchema,
        (msg) => {
          deps.admission?.commands.check(msg.type, actor.userId, address);
          return room.handleAudience(actor, msg);
        },
        deps.log,
      );
      return;
    }
    if (actor.userId === null) throw new RostraError('unauthenticated');
    if (room.roleOf(actor.userId) === Role.listener && !actor.admin) throw new RostraError('not_on_stage');
    const detach = deps.hub.attachStage(room, ws, actor);
    ws.once('close', detach);
    readCommands(
      ws,
      stageClientSchema,
      (msg) => {
        deps.admission?.commands.check(msg.type, actor.userId, address);
        return room.handleStage(actor, msg);
      },
      deps.log,
    );
  }

  return {
    close() {
      heartbeat.stop();
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
