/**
 * "This Space has ended" (or "you were removed"); audio has already been stopped by the room.
 * A recorded Space offers its replay (GET /v1/spaces/:id/replay.opus, Ogg/Opus, which
 * <audio> plays natively); nothing loads until Play is pressed.
 */
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';
import { getSession } from '../session.js';
import { transcriptSearch } from './transcript.js';
import { replayQuestions } from './replay-questions.js';

function replay(snap: SpaceSnapshot): HTMLElement {
  const token = getSession()?.token;
  const src = `/v1/spaces/${encodeURIComponent(snap.space.id)}/replay.opus${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const note = h('p', { class: 'hint', role: 'status' });
  const audio = h('audio', { controls: true, preload: 'none', src, 'data-testid': 'replay-audio' });
  audio.addEventListener('error', () => {
    note.textContent = 'The recording is not available (yet). Try again in a moment.';
  });
  return h(
    'section',
    { class: 'replay', 'aria-label': 'Replay' },
    h('h2', {}, 'Replay'),
    audio,
    h(
      'p',
      {},
      h(
        'a',
        { href: src, download: `${snap.space.id}.opus`, 'data-testid': 'replay-download' },
        'Download the recording',
      ),
    ),
    note,
    transcriptSearch(
      `/v1/spaces/${encodeURIComponent(snap.space.id)}/replay`,
      token ? `?token=${encodeURIComponent(token)}` : '',
      audio,
    ),
  );
}

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
    snap.space.recording && !removed ? replay(snap) : null,
    removed ? null : replayQuestions(snap.space.id),
    h('p', {}, h('a', { href: '#/', class: 'button', 'data-testid': 'back-to-lobby' }, 'Back to the lobby')),
  );
  queueMicrotask(() => el.querySelector('h1')?.focus());
  return el;
}
