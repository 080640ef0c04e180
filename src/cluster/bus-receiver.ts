/**
 * What a SpaceNode hears from its home over the bus: the `room` topic (bulletins, raised
 * hands, per-person notices, heartbeats, `gone`) and, on an edge, the `audio` topic. Every
 * message carries its home's fencing token: anything below the highest token seen is ignored
 * (a deposed home that has not noticed yet cannot reach listeners), and a home that hears a
 * higher token steps down. Frames reach the group only when their seq moves forward for the
 * current token, so a duplicated or overtaken batch is never played twice or backwards.
 */
import { decode, type ClusterMessage } from './codec.js';
import type { SpaceNodeState } from './space-node-state.js';

export interface BusReceiverDeps {
  stepDown(why: string): void;
  tryTakeOver(): void;
  /** sends this node's presence now (a new home must learn who is here) */
  sendPresence(): void;
  end(reason: string): void;
}

export class BusReceiver {
  /** fencing token and seq of the last frame fed to the group from the bus (-1: none yet) */
  #audioToken = 0;
  #lastSeq = -1;

  constructor(
    private readonly s: SpaceNodeState,
    private readonly deps: BusReceiverDeps,
  ) {}

  onRoomTopic(data: Uint8Array): void {
    const { s } = this;
    const d = decode(data);
    if (d?.kind !== 'json' || s.closed) return;
    const msg = d.msg;
    if (!('token' in msg) || typeof msg.token !== 'number') return;
    if (msg.token < s.token) return; // a deposed home that has not noticed yet
    if (s.role === 'home') {
      if (msg.token === s.token) return; // our own message coming back
      this.deps.stepDown(`a newer home (token ${msg.token}) is speaking`);
    }
    const newer = msg.token > s.token;
    s.token = msg.token;
    s.lastHeard = s.ctx.clock.now();
    if (msg.t === 'gone') {
      s.home = null;
      s.lastHeard = 0;
      setTimeout(() => this.deps.tryTakeOver(), Math.random() * 200).unref();
      return;
    }
    if (msg.t === 'home') s.home = { node: msg.node, url: msg.url };
    if (newer) this.deps.sendPresence(); // a new home: tell it who is here right away
    this.applyLocal(msg);
  }

  /** delivers a home's message to this node's sockets and cached snapshot */
  applyLocal(msg: ClusterMessage): void {
    const { s } = this;
    switch (msg.t) {
      case 'home':
        s.snapshot = msg.snapshot;
        s.fromHome = true;
        s.group.rememberRequests(msg.requests);
        return;
      case 'bulletin':
        if (msg.msg.type === 'snapshot') {
          s.snapshot = msg.msg.snapshot;
          s.fromHome = true;
        }
        if (msg.msg.type === 'counts') s.snapshot = { ...s.snapshot, counts: msg.msg.counts };
        if (msg.msg.type === 'ended') {
          if (s.role === 'home') return; // the room's own ended handler ends the group
          s.group.end(msg.msg.reason);
          this.deps.end(msg.msg.reason);
          return;
        }
        s.group.bulletin(msg.msg, s.snapshot);
        return;
      case 'requests':
        s.group.requests(msg.requests, s.snapshot);
        return;
      case 'notice':
        s.group.notice(msg.userId, msg.notice);
        return;
      case 'slots':
        s.group.slots(msg.userId, msg.slots);
        return;
      case 'kick':
        s.group.kick(msg.userId, msg.reason);
        return;
      default:
        return;
    }
  }

  onAudio(data: Uint8Array): void {
    const { s } = this;
    if (s.role !== 'edge' || s.closed) return;
    const d = decode(data);
    if (d?.kind !== 'audio' || d.token < s.token) return;
    if (d.token > s.token) this.deps.sendPresence(); // a new home: tell it who is here right away
    if (d.token !== this.#audioToken) this.#lastSeq = -1;
    s.token = d.token;
    this.#audioToken = d.token;
    s.lastHeard = s.ctx.clock.now();
    for (const f of d.frames) {
      // a duplicated or overtaken batch: never play a frame twice or out of order
      if (this.#lastSeq >= 0) {
        const ahead = (f.seq - this.#lastSeq) >>> 0;
        if (ahead === 0 || ahead >= 0x8000_0000) continue;
      }
      this.#lastSeq = f.seq;
      s.group.frame(f);
    }
  }
}
