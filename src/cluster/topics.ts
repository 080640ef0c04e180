/**
 * Bus topics and lease keys of cluster mode. Per Space: one audio topic and one room topic
 * (home -> every node that has sockets for the Space), one command topic (nodes -> home). Per
 * node: one reply topic. Plus one directory topic where every node says it is alive.
 */
import type { NodeId, SpaceId } from '../protocol/ids.js';

export const topics = {
  /** home -> nodes: batches of mixed Opus frames (binary) */
  audio: (id: SpaceId): string => `space:${id}:audio`,
  /** home -> nodes: heartbeat, bulletins, per-person notices (JSON) */
  room: (id: SpaceId): string => `space:${id}:room`,
  /** nodes -> home: commands and per-node presence (JSON) */
  cmd: (id: SpaceId): string => `space:${id}:cmd`,
  /** replies to one node's commands */
  node: (id: NodeId): string => `node:${id}`,
  /** every node, every DIRECTORY_BEAT_MS: id, public URL, draining */
  directory: 'cluster:nodes',
} as const;

/** the lease whose holder is the Space's home node */
export const homeLeaseKey = (id: SpaceId): string => `space:${id}:home`;

/** lease holder string: node id and public URL, so any node can tell where the home is */
export function holderOf(node: NodeId, url: string): string {
  return `${node} ${url}`;
}

export function parseHolder(holder: string): { node: NodeId; url: string } {
  const at = holder.indexOf(' ');
  if (at < 0) return { node: holder as NodeId, url: '' };
  return { node: holder.slice(0, at) as NodeId, url: holder.slice(at + 1) };
}
