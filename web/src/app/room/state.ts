/**
 * The room's client-side state: one object, replaced field by field as bulletins arrive, with
 * subscribers re-rendering what they show. Both transports (stage socket for people on stage,
 * listen socket for listeners) feed the same store through `applyMessage`.
 */
import type { Caption } from '../../../../src/protocol/captions.js';
import type { UserId } from '../../../../src/protocol/ids.js';
import type { ReactionEmoji } from '../../../../src/protocol/limits.js';
import type { Role, SpaceCounts, SpaceSnapshot, SpeakRequest } from '../../../../src/protocol/space.js';
import type { StageServerMessage } from '../../../../src/protocol/stage.js';
import type { AudienceServerMessage } from '../../../../src/protocol/audience.js';

export interface RoomState {
  snapshot: SpaceSnapshot;
  /** my user id; null for an anonymous listener */
  me: UserId | null;
  role: Role;
  requests: SpeakRequest[];
  /** userId -> 0..1 */
  levels: Record<string, number>;
  handRaised: boolean;
  invited: boolean;
  /** set once the Space ends or we are removed */
  ended: { reason: string } | null;
  removed: 'removed' | 'banned' | null;
}

export type ReactionBurst = { windowMs: number; counts: Partial<Record<ReactionEmoji, number>> };

type Listener = (s: RoomState) => void;

export class RoomStore {
  private listeners = new Set<Listener>();
  private burstListeners = new Set<(b: ReactionBurst) => void>();
  private captionListeners = new Set<(c: Caption[]) => void>();

  constructor(public state: RoomState) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  onReactions(fn: (b: ReactionBurst) => void): () => void {
    this.burstListeners.add(fn);
    return () => this.burstListeners.delete(fn);
  }

  onCaptions(fn: (c: Caption[]) => void): () => void {
    this.captionListeners.add(fn);
    return () => this.captionListeners.delete(fn);
  }

  update(patch: Partial<RoomState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  setCounts(counts: SpaceCounts): void {
    this.update({ snapshot: { ...this.state.snapshot, counts } });
  }

  /** Folds one server message (either socket) into the state. Returns true if it was handled. */
  applyMessage(msg: StageServerMessage | AudienceServerMessage): boolean {
    switch (msg.type) {
      case 'welcome':
        if ('requests' in msg) {
          this.update({
            snapshot: msg.snapshot,
            requests: msg.requests,
            me: msg.you.userId,
            role: msg.you.role,
          });
        } else {
          this.update({
            snapshot: msg.snapshot,
            me: (msg.you.userId as UserId | null) ?? this.state.me,
            role: msg.you.role,
            handRaised: msg.you.handRaised,
          });
        }
        return true;
      case 'snapshot':
        this.update({ snapshot: msg.snapshot, role: this.roleFrom(msg.snapshot) });
        return true;
      case 'requests':
        this.update({ requests: msg.requests });
        return true;
      case 'counts':
        this.setCounts(msg.counts);
        return true;
      case 'levels':
        this.update({ levels: msg.levels });
        return true;
      case 'questions':
        this.update({ snapshot: { ...this.state.snapshot, questions: msg.questions } });
        return true;
      case 'reactions':
        for (const fn of this.burstListeners) fn({ windowMs: msg.windowMs, counts: msg.counts });
        return true;
      case 'captions':
        for (const fn of this.captionListeners) fn(msg.captions);
        return true;
      case 'role':
        this.update({
          role: msg.role,
          invited: false,
          handRaised: msg.role === 'listener' ? this.state.handRaised : false,
        });
        return true;
      case 'hand':
        this.update({ handRaised: msg.raised });
        return true;
      case 'invited':
        this.update({ invited: true });
        return true;
      case 'ended':
        this.update({ ended: { reason: msg.reason } });
        return true;
      case 'removed':
        this.update({ removed: msg.reason });
        return true;
      default:
        return false;
    }
  }

  /** My role as the snapshot shows it (listener if I am not on stage). */
  private roleFrom(snap: SpaceSnapshot): Role {
    if (!this.state.me) return this.state.role;
    const m = snap.stage.find((x) => x.userId === this.state.me);
    return m ? m.role : 'listener';
  }
}

export const isModerator = (role: Role): boolean => role === 'host' || role === 'cohost';
export const isOnStage = (role: Role): boolean => role !== 'listener';
