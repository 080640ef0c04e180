/**
 * The host's view of who is listening (GET /v1/spaces/:id/listeners): signed-in listeners,
 * 20 a page, searchable by handle, each with Remove and Ban (the same stage commands as for
 * people on stage; the server checks the role again). Nothing is fetched until the section
 * is opened, and then only when asked (search, "Show more", Refresh): no polling.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import type { ListenerPage } from '../../../../src/protocol/api.js';
import { api } from '../api.js';
import { h, plural, replace } from '../dom.js';
import { describe } from '../errors.js';
import type { RoomActions } from './actions.js';
import { run } from './actions.js';

/** ms after the last keystroke before a search is sent */
const SEARCH_DELAY_MS = 300;

export function audienceList(spaceId: SpaceId, actions: RoomActions): HTMLElement {
  const search = h('input', {
    type: 'search',
    name: 'listener-search',
    placeholder: 'Search by handle',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: false,
    'aria-label': 'Search listeners by handle',
    'data-testid': 'listener-search',
  });
  const list = h('ul', { class: 'queue listeners', 'data-testid': 'listener-list', 'aria-busy': 'false' });
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'listener-status' });
  const more = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'listener-more', hidden: true },
    'Show more',
  );
  const refresh = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'listener-refresh' },
    'Refresh',
  );
  const summary = h('summary', { 'data-testid': 'listeners-toggle' }, 'People listening');
  const box = h(
    'details',
    { class: 'audience', 'data-testid': 'audience' },
    summary,
    h('div', { class: 'row' }, search, refresh),
    status,
    list,
    more,
  );

  let next: number | null = 0;
  let generation = 0;
  const load = async (append: boolean): Promise<void> => {
    const mine = ++generation;
    const cursor = append ? (next ?? 0) : 0;
    list.setAttribute('aria-busy', 'true');
    if (!append) status.textContent = 'Loading…';
    let page: ListenerPage;
    try {
      page = await api.listeners(spaceId, search.value.trim(), cursor);
    } catch (err) {
      if (mine === generation) status.textContent = `Could not load the listeners: ${describe(err)}`;
      list.setAttribute('aria-busy', 'false');
      return;
    }
    if (mine !== generation) return;
    list.setAttribute('aria-busy', 'false');
    next = page.next;
    more.hidden = next === null;
    summary.textContent = `People listening (${page.named + page.anonymous})`;
    const rows = page.listeners.map((l) => row(l.userId, l.handle));
    if (append) list.append(...rows);
    else replace(list, ...rows);
    const anon = page.anonymous ? ` and ${plural(page.anonymous, 'anonymous listener')}` : '';
    if (list.childElementCount === 0) {
      status.textContent = search.value.trim()
        ? `No one listening has a handle starting with "${search.value.trim()}"${next === null ? '' : ' so far'}.`
        : `No signed-in listener right now${anon}.`;
    } else status.textContent = `${plural(page.named, 'signed-in listener')}${anon}.`;
  };

  const row = (userId: ListenerPage['listeners'][number]['userId'], handle: string): HTMLElement => {
    const li = h(
      'li',
      { 'data-testid': 'listener', 'data-user-id': userId, 'data-handle': handle },
      h('span', { class: 'member-handle' }, `@${handle}`),
    );
    const act = (label: string, testid: string, type: 'remove' | 'ban', question: string): HTMLElement =>
      h(
        'button',
        {
          type: 'button',
          class: `small${type === 'ban' ? ' danger' : ''}`,
          'data-testid': testid,
          'aria-label': `${label} @${handle}`,
          onclick: () => {
            if (!window.confirm(question)) return;
            void run(
              actions,
              { type, userId },
              `@${handle} was ${type === 'ban' ? 'banned' : 'removed'}.`,
            ).then((ok) => {
              if (ok) li.remove();
            });
          },
        },
        label,
      );
    li.append(
      act('Remove', 'listener-remove', 'remove', `Remove @${handle} from this Space?`),
      act('Ban', 'listener-ban', 'ban', `Ban @${handle} from this Space? They cannot come back.`),
    );
    return li;
  };

  let timer = 0;
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(false), SEARCH_DELAY_MS);
  });
  more.addEventListener('click', () => void load(true));
  refresh.addEventListener('click', () => void load(false));
  box.addEventListener('toggle', () => {
    if (box.open) void load(false);
  });
  return box;
}
