/**
 * What a SpaceNode hears from its home over the bus: the `room` topic (bulletins, raised
 * hands, per-person notices, heartbeats, `gone`) and, on an edge, the `audio` topic. Every
 * message carries its home's fencing token: anything below the highest token seen is ignored
 * (a deposed home that has not noticed yet cannot reach listeners), and a home that hears a
 * higher token steps down. The group plays a frame only when its seq moves forward
 * (audience-group.ts), so a duplicated or overtaken batch is never played twice or backwards.
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
        if (msg.msg.type === 'questions') s.snapshot = { ...s.snapshot, questions: msg.msg.questions };
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
    s.token = d.token;
    s.lastHeard = s.ctx.clock.now();
    // the group drops a duplicated or overtaken batch (never a frame twice or backwards)
    for (const f of d.frames) s.group.frame(f, d.token);
  }
}
