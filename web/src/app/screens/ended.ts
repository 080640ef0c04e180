/** "This Space has ended" (or "you were removed"); audio has already been stopped by the room. */
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';

export function endedView(snap: SpaceSnapshot, removed: 'removed' | 'banned' | null = null): HTMLElement {
  const heading =
    removed === 'banned'
      ? 'You were banned from this Space'
      : removed
        ? 'You were removed from this Space'
        : 'This Space has ended';
  const el = h(
    'section',
    { class: 'ended', 'data-testid': 'ended' },
    h('h1', { tabindex: -1 }, heading),
    h('p', { class: 'ended-title' }, snap.space.title),
    h('p', { 'data-testid': 'ended-counts' }, `${snap.counts.totalJoined} joined in total.`),
    h('p', {}, h('a', { href: '#/', class: 'button', 'data-testid': 'back-to-lobby' }, 'Back to the lobby')),
  );
  queueMicrotask(() => el.querySelector('h1')?.focus());
  return el;
}
