/**
 * "This Space has ended" (or "you were removed"); audio has already been stopped by the room.
 * A recorded Space offers its replay (replay.ts: player, who spoke when, clips); a Space
 * cancelled before it started says so.
 */
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';
import { replayView } from './replay.js';
import { replayQuestions } from './replay-questions.js';

export function endedView(snap: SpaceSnapshot, removed: 'removed' | 'banned' | null = null): HTMLElement {
  const heading =
    removed === 'banned'
      ? 'You were banned from this Space'
      : removed
        ? 'You were removed from this Space'
        : snap.space.startedAt === null
          ? 'This Space was cancelled'
          : 'This Space has ended';
  const el = h(
    'section',
    { class: 'ended', 'data-testid': 'ended' },
    h('h1', { tabindex: -1 }, heading),
    h('p', { class: 'ended-title' }, snap.space.title),
    snap.space.startedAt === null || snap.counts.totalJoined === 0
      ? null
      : h(
          'p',
          { 'data-testid': 'ended-counts' },
          `${snap.counts.totalJoined.toLocaleString()} joined in total.`,
        ),
    snap.space.recording && !removed && snap.space.startedAt !== null ? replayView(snap) : null,
    removed ? null : replayQuestions(snap.space.id),
    h('p', {}, h('a', { href: '#/', class: 'button', 'data-testid': 'back-to-lobby' }, 'Back to the lobby')),
  );
  queueMicrotask(() => el.querySelector('h1')?.focus());
  return el;
}
