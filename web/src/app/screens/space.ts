/**
 * #/space/:id — loads the snapshot, then shows the scheduled page (with "Open backstage" for
 * the host and "Remind me" for others), the ended screen, or the room (backstage or live).
 * Anonymous visitors of a sign-in-only Space are asked to sign in.
 */
import { asSpaceId, isId } from '../../../../src/protocol/ids.js';
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { describe } from '../errors.js';
import { getSession } from '../session.js';
import type { Cleanup } from '../router.js';
import { mountRoom } from '../room/room.js';
import { endedView } from './ended.js';
import { scheduledView } from './scheduled.js';

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

  // signed in: ask whether I may join at all, so a banned person is told so plainly instead of
  // meeting a normal room whose stream then refuses them
  const load = async (): Promise<void> => {
    const [snap, access] = await Promise.all([
      api.getSpace(id, true),
      getSession() ? api.access(id) : Promise.resolve(null),
    ]);
    if (stopped) return;
    if (access && !access.allowed && access.code === 'banned') {
      root.replaceChildren(bannedView(snap));
      return;
    }
    show(snap);
  };
  load().catch((err: unknown) => {
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

function bannedView(snap: SpaceSnapshot): HTMLElement {
  return h(
    'section',
    { class: 'ended', 'data-testid': 'banned' },
    h('h1', {}, 'You cannot join this Space'),
    h('p', { class: 'ended-title' }, snap.space.title),
    h('p', {}, 'A host of this Space banned your account from it, so you cannot listen or speak here.'),
    h('p', {}, h('a', { href: '#/', class: 'button', 'data-testid': 'back-to-lobby' }, 'Back to the lobby')),
  );
}
