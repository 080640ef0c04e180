/**
 * Moving a draining node's listeners elsewhere without a thundering herd. Each listener gets
 * `switch_tier` (tier websocket, the listen URL of another live node, picked at random so the
 * load spreads) at a random moment within `spreadMs`; players follow it (web/src/player). Stage
 * sockets and anything still open after `spreadMs + graceMs` are closed with 1012 (service
 * restart), a code the players retry with their own jittered back-off.
 */
import type { WebSocket } from 'ws';
import type { SpaceId } from '../protocol/ids.js';
import type { Directory } from './directory.js';

export interface DrainOptions {
  /** ms over which listeners are told to move (uniformly at random) */
  spreadMs: number;
  /** ms sockets get after the spread to go by themselves */
  graceMs: number;
}

export const DRAIN_DEFAULTS: DrainOptions = { spreadMs: 2_000, graceMs: 1_000 };

interface Drainable {
  readonly id: SpaceId;
  readonly group: { listenerSockets(): WebSocket[]; stageSockets(): WebSocket[] };
}

export async function drainSockets(
  spaces: readonly Drainable[],
  directory: Directory,
  options: Partial<DrainOptions> = {},
): Promise<void> {
  const { spreadMs, graceMs } = { ...DRAIN_DEFAULTS, ...options };
  const others = directory.others();
  const all: WebSocket[] = [];
  for (const space of spaces) {
    for (const ws of space.group.stageSockets()) {
      all.push(ws);
      ws.close(1012, 'node_draining');
    }
    for (const ws of space.group.listenerSockets()) {
      all.push(ws);
      const target = others[Math.floor(Math.random() * others.length)];
      setTimeout(() => {
        if (ws.readyState !== ws.OPEN) return;
        if (!target) return ws.close(1012, 'node_draining');
        const url = `${target.url.replace(/^http/, 'ws')}/v1/spaces/${space.id}/listen`;
        ws.send(JSON.stringify({ type: 'switch_tier', tier: 'websocket', url, reason: 'node_draining' }));
      }, Math.random() * spreadMs).unref();
    }
  }
  const deadline = Date.now() + spreadMs + graceMs;
  while (Date.now() < deadline && all.some((ws) => ws.readyState !== ws.CLOSED)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const ws of all) if (ws.readyState !== ws.CLOSED) ws.close(1012, 'node_draining');
}
