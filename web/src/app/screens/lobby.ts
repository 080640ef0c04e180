/**
 * Lobby: live Spaces (title, host, listening now), scheduled ones (time, reminders, a
 * "Remind me" toggle) and past ones (ended or cancelled; a recorded one opens its replay). The list API carries no counts or handles, so live cards fetch their
 * snapshot (at most MAX_LIVE_DETAILS of them). Refreshes every REFRESH_MS while shown.
 */
import type { SpaceInfo, SpaceSnapshot } from '../../../../src/protocol/space.js';
import { api } from '../api.js';
import { h, replace, formatWhen, plural } from '../dom.js';
import { bellIcon } from '../icons.js';
import { describe } from '../errors.js';
import { getSession } from '../session.js';
import { navigate } from '../router.js';
import type { Cleanup } from '../router.js';

/** ms between lobby refreshes */
const REFRESH_MS = 10_000;
const MAX_LIVE_DETAILS = 24;
const REMINDED_KEY = 'rostra.reminded';

function reminded(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(REMINDED_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}
function setReminded(id: string, on: boolean): void {
  const s = reminded();
  if (on) s.add(id);
  else s.delete(id);
  localStorage.setItem(REMINDED_KEY, JSON.stringify([...s]));
}

export function lobbyScreen(root: HTMLElement): Cleanup {
  const liveList = h('ul', { class: 'cards', 'data-testid': 'live-list', 'aria-live': 'polite' });
  const schedList = h('ul', { class: 'cards', 'data-testid': 'scheduled-list' });
  const pastList = h('ul', { class: 'cards', 'data-testid': 'past-list' });
  for (const list of [liveList, schedList, pastList]) {
    list.append(h('li', { class: 'empty loading', 'data-testid': 'lobby-loading' }, 'Loading…'));
    list.setAttribute('aria-busy', 'true');
  }
  const status = h('p', { class: 'error', role: 'alert', 'data-testid': 'lobby-error' });
  root.append(
    h('h1', {}, 'Spaces'),
    status,
    h(
      'section',
      { 'aria-labelledby': 'live-h' },
      h('h2', { id: 'live-h' }, h('span', { class: 'dot live-dot', 'aria-hidden': 'true' }), 'Live now'),
      liveList,
    ),
    h('section', { 'aria-labelledby': 'sched-h' }, h('h2', { id: 'sched-h' }, 'Scheduled'), schedList),
    h('section', { 'aria-labelledby': 'past-h' }, h('h2', { id: 'past-h' }, 'Past Spaces'), pastList),
  );

  let stopped = false;
  // the first load skips the HTTP cache (you may have just created a Space); polls may use it
  let fresh = true;
  const load = async (): Promise<void> => {
    try {
      const [live, scheduled, past] = await Promise.all([
        api.listSpaces('live', fresh),
        api.listSpaces('scheduled', fresh),
        api.listSpaces('ended', fresh),
      ]);
      fresh = false;
      const details = await Promise.all(
        live.slice(0, MAX_LIVE_DETAILS).map((s) => api.getSpace(s.id).catch(() => null)),
      );
      if (stopped) return;
      status.textContent = '';
      renderLive(liveList, live, details);
      renderScheduled(schedList, scheduled);
      renderPast(pastList, past);
      for (const list of [liveList, schedList, pastList]) list.setAttribute('aria-busy', 'false');
    } catch (err) {
      if (stopped) return;
      status.textContent = `Could not load the Spaces: ${describe(err)} The list retries by itself.`;
      for (const list of [liveList, schedList, pastList]) {
        list.querySelector('.loading')?.remove();
        list.setAttribute('aria-busy', 'false');
      }
    }
  };
  void load();
  const timer = setInterval(() => void load(), REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

function renderLive(list: HTMLElement, spaces: SpaceInfo[], details: (SpaceSnapshot | null)[]): void {
  if (spaces.length === 0) {
    replace(list, h('li', { class: 'empty' }, 'No Space is live right now.'));
    return;
  }
  replace(
    list,
    ...spaces.map((s, i) => {
      const snap = details[i] ?? null;
      const host = snap?.stage.find((m) => m.userId === s.hostId);
      return h(
        'li',
        { class: 'card live', 'data-testid': 'space-card', 'data-space-id': s.id },
        h('a', { href: `#/space/${encodeURIComponent(s.id)}`, class: 'card-title' }, s.title),
        h(
          'p',
          { class: 'meta' },
          host ? `Hosted by @${host.handle}` : 'Live',
          snap
            ? ` · ${snap.counts.listeningNow.toLocaleString()} listening · ${snap.stage.length} on stage`
            : '',
        ),
      );
    }),
  );
}

function renderScheduled(list: HTMLElement, spaces: SpaceInfo[]): void {
  if (spaces.length === 0) {
    replace(list, h('li', { class: 'empty' }, 'Nothing scheduled yet.'));
    return;
  }
  const mine = reminded();
  replace(
    list,
    ...spaces
      .slice()
      .sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0))
      .map((s) => scheduledCard(s, mine.has(s.id))),
  );
}

function scheduledCard(s: SpaceInfo, isOn: boolean): HTMLElement {
  let on = isOn;
  let count = s.reminderCount;
  const countEl = h('span', { 'data-testid': 'reminder-count' }, String(count));
  const err = h('span', { class: 'error', role: 'alert' });
  const btn = h('button', { type: 'button', class: 'toggle', 'data-testid': 'remind-toggle' });
  const paint = (): void => {
    replace(btn, bellIcon(), on ? ' Reminder set' : ' Remind me');
    btn.setAttribute('aria-pressed', String(on));
    countEl.textContent = plural(count, 'reminder');
  };
  btn.addEventListener('click', () => {
    if (!getSession()) {
      navigate('/signin');
      return;
    }
    btn.disabled = true;
    api
      .remind(s.id, !on)
      .then((r) => {
        on = !on;
        count = r.reminderCount;
        setReminded(s.id, on);
        err.textContent = '';
        paint();
      })
      .catch((e: unknown) => (err.textContent = describe(e)))
      .finally(() => (btn.disabled = false));
  });
  paint();
  return h(
    'li',
    { class: 'card', 'data-testid': 'space-card', 'data-space-id': s.id },
    h('a', { href: `#/space/${encodeURIComponent(s.id)}`, class: 'card-title' }, s.title),
    h(
      'p',
      { class: 'meta' },
      s.scheduledFor
        ? h('time', { dateTime: new Date(s.scheduledFor).toISOString() }, formatWhen(s.scheduledFor))
        : 'Soon',
      ' · ',
      countEl,
    ),
    h('div', { class: 'row' }, btn, err),
  );
}

function renderPast(list: HTMLElement, spaces: SpaceInfo[]): void {
  if (spaces.length === 0) {
    replace(list, h('li', { class: 'empty' }, 'No Space has ended yet.'));
    return;
  }
  replace(
    list,
    ...spaces.map((s) =>
      h(
        'li',
        { class: 'card past', 'data-testid': 'space-card', 'data-space-id': s.id },
        h('a', { href: `#/space/${encodeURIComponent(s.id)}`, class: 'card-title' }, s.title),
        h(
          'p',
          { class: 'meta' },
          s.startedAt === null
            ? 'Cancelled'
            : h(
                'time',
                { dateTime: new Date(s.endedAt ?? s.startedAt).toISOString() },
                formatWhen(s.endedAt ?? s.startedAt),
              ),
          s.startedAt !== null && s.recording ? ' · Replay' : '',
        ),
      ),
    ),
  );
}
