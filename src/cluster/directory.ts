/**
 * Which nodes are alive, where they are and whether they take new listeners: every node says
 * so on the directory topic every DIRECTORY_BEAT_MS; a node not heard for DIRECTORY_EXPIRE_MS
 * is gone. Used by drain to send listeners elsewhere. O(nodes) messages per beat in all.
 */
import type { NodeId } from '../protocol/ids.js';
import type { Bus, Subscription } from '../core/ports/bus.js';
import type { Clock } from '../core/ports/clock.js';
import type { Logger } from '../core/log.js';
import { decode, encodeJson } from './codec.js';
import { topics } from './topics.js';

/** ms between two announcements of a node */
export const DIRECTORY_BEAT_MS = 1_000;
/** ms after which a silent node is considered gone */
export const DIRECTORY_EXPIRE_MS = 3_500;
/** ms within which a node counts as certainly alive (one beat and a half) */
export const DIRECTORY_FRESH_MS = 1_500;

export interface NodeEntry {
  node: NodeId;
  url: string;
  draining: boolean;
  lastAt: number;
}

export class Directory {
  readonly #nodes = new Map<NodeId, NodeEntry>();
  #sub: Subscription | null = null;
  #timer: { cancel(): void } | null = null;
  #url = '';
  #draining = false;

  constructor(
    private readonly bus: Bus,
    private readonly self: NodeId,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async start(url: string): Promise<void> {
    this.#url = url;
    this.#sub = await this.bus.subscribe(topics.directory, (data) => {
      const d = decode(data);
      if (d?.kind !== 'json' || d.msg.t !== 'node' || d.msg.node === this.self) return;
      const { node, url: at, draining } = d.msg;
      this.#nodes.set(node, { node, url: at, draining, lastAt: this.clock.now() });
    });
    this.#timer = this.clock.setInterval(() => void this.#beat(), DIRECTORY_BEAT_MS);
    await this.#beat();
  }

  /**
   * Other live nodes that take listeners. Nodes heard within the last beat and a half come
   * first: a node killed a moment ago is still inside the expiry window, and sending a drained
   * listener there would bounce it twice. Only when none is that fresh, the whole window counts.
   */
  others(): NodeEntry[] {
    const now = this.clock.now();
    const open = [...this.#nodes.values()].filter((n) => !n.draining && now - n.lastAt < DIRECTORY_EXPIRE_MS);
    const fresh = open.filter((n) => now - n.lastAt <= DIRECTORY_FRESH_MS);
    return fresh.length > 0 ? fresh : open;
  }

  async setDraining(): Promise<void> {
    this.#draining = true;
    await this.#beat();
  }

  async close(): Promise<void> {
    this.#timer?.cancel();
    await this.#sub?.unsubscribe().catch(() => undefined);
  }

  async #beat(): Promise<void> {
    const msg = encodeJson({ t: 'node', node: this.self, url: this.#url, draining: this.#draining });
    try {
      await this.bus.publish(topics.directory, msg);
    } catch (err) {
      this.log.debug({ err }, 'directory beat not sent');
    }
  }
}
