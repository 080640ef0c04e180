/**
 * Sends this node's presence for one Space (presence.ts explains the reports): coalesced after
 * a change, every PRESENCE_BEAT_MS from the SpaceNode's timer, and at once when a new home
 * shows up. On the home the report goes straight into its merger instead of over the bus.
 */
import { encodeJson } from './codec.js';
import { type PresenceMerger, type PresenceReport, toReport } from './presence.js';
import type { SpaceNodeState } from './space-node-state.js';
import { topics } from './topics.js';

/** ms a presence change waits so a burst of joins makes one report */
const PRESENCE_COALESCE_MS = 200;

export class PresenceSender {
  #seq = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly s: SpaceNodeState,
    /** the home's merger while this node is home */
    private readonly merger: () => PresenceMerger | null,
  ) {}

  /** the next report of this node (each one gets a new seq) */
  next(): PresenceReport {
    return toReport(++this.#seq, this.s.group.presence);
  }

  changed(): void {
    if (this.#timer || this.s.closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.send();
    }, PRESENCE_COALESCE_MS);
    this.#timer.unref();
  }

  send(): void {
    const { s } = this;
    if (s.closed || s.role === 'ended') return;
    const report = this.next();
    if (s.role === 'home') {
      this.merger()?.apply(s.ctx.self, report, s.ctx.clock.now());
      return;
    }
    const msg = encodeJson({ t: 'presence', node: s.ctx.self, ...report });
    s.ctx.bus.publish(topics.cmd(s.id), msg).catch(() => undefined);
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
