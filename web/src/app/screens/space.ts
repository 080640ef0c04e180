/**
 * #/space/:id — loads the snapshot, then shows the scheduled page (with "Open backstage" for
 * the host and "Remind me" for others), the ended screen, or the room (backstage or live).
 * Anonymous visitors of a sign-in-only Space are asked to sign in.
 */
import { asSpaceId, isId } from '../../../../src/protocol/ids.js';
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import { api } from '../api.js';
import { h, formatWhen } from '../dom.js';
import { describe } from '../errors.js';
import { getSession } from '../session.js';
import type { Cleanup } from '../router.js';
import { mountRoom } from '../room/room.js';
import { endedView } from './ended.js';

export function spaceScreen(root: HTMLElement, params: Record<string, string>): Cleanup {
  let cleanup: Cleanup | null = null;
  let stopped = false;
  const raw = params.id ?? '';
  if (!isId(raw)) {
    root.append(h('h1', {}, 'No such Space'), h('p', {}, h('a', { href: '#/' }, 'Back to the lobby')));
    return () => undefined;
  }
  const id = asSpaceId(raw);
  const status = h('p', { class: 'loading', 'data-testid': 'space-loading' }, 'Loading…');
  root.append(status);

  const show = (snap: SpaceSnapshot): void => {
    if (stopped) return;
    root.replaceChildren();
    const me = getSession()?.user.id ?? null;
    if (snap.space.state === 'ended') {
      root.append(endedView(snap));
    } else if (snap.space.state === 'scheduled') {
      root.append(scheduledView(snap, me === snap.space.hostId, show));
    } else if (!me && !snap.space.allowAnonymous) {
      const next = encodeURIComponent(`/space/${id}`);
      root.append(
        h('h1', {}, snap.space.title),
        h(
          'p',
          {},
          'This Space asks listeners to sign in. ',
          h('a', { href: `#/signin?next=${next}`, 'data-testid': 'space-signin' }, 'Sign in to listen'),
          '.',
        ),
      );
    } else {
      cleanup = mountRoom(root, snap);
    }
  };

  api
    .getSpace(id, true)
    .then(show)
    .catch((err: unknown) => {
      if (stopped) return;
      root.replaceChildren(
        h('h1', {}, 'Cannot open this Space'),
        h('p', { class: 'error', role: 'alert', 'data-testid': 'space-error' }, describe(err)),
        h('p', {}, h('a', { href: '#/' }, 'Back to the lobby')),
      );
    });

  return () => {
    stopped = true;
    cleanup?.();
  };
}

function scheduledView(snap: SpaceSnapshot, isHost: boolean, show: (s: SpaceSnapshot) => void): HTMLElement {
  const s = snap.space;
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'space-error' });
  const open = h(
    'button',
    { type: 'button', class: 'primary big', 'data-testid': 'open-backstage' },
    'Open backstage',
  );
  open.addEventListener('click', () => {
    open.disabled = true;
    api
      .openSpace(s.id)
      .then(() => api.getSpace(s.id, true))
      .then(show)
      .catch((e: unknown) => {
        err.textContent = describe(e);
        open.disabled = false;
      });
  });
  return h(
    'section',
    { class: 'scheduled', 'data-testid': 'scheduled' },
    h('h1', {}, s.title),
    s.description ? h('p', { class: 'description' }, s.description) : null,
    h(
      'p',
      {},
      'Starts ',
      s.scheduledFor ? formatWhen(s.scheduledFor) : 'soon',
      ` · ${s.reminderCount} reminders set`,
    ),
    isHost
      ? open
      : h(
          'p',
          {},
          'Come back when it starts, or set a reminder in the ',
          h('a', { href: '#/' }, 'lobby'),
          '.',
        ),
    err,
  );
}
