/**
 * The stage: one tile per person on stage with avatar, handle, role label, a muted badge and a
 * speaking ring driven by server `levels` (0..1). Moderators get a per-person actions menu.
 * "Leading" marks who runs the room right now (snapshot.leaderId: the host, or the acting
 * co-host while the host is away).
 */
import type { StageMember } from '../../../../src/protocol/space.js';
import { h, replace } from '../dom.js';
import { micOffIcon } from '../icons.js';
import type { RoomState } from './state.js';
import { isModerator } from './state.js';
import { memberMenu } from './member-menu.js';
import type { RoomActions } from './actions.js';

/** level above which a tile shows as speaking */
const SPEAKING_LEVEL = 0.04;
const ROLE_LABEL = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker', listener: 'Listener' } as const;

export function stageView(actions: RoomActions): { el: HTMLElement; render: (s: RoomState) => void } {
  const list = h('ul', { class: 'stage', 'data-testid': 'stage', 'aria-label': 'On stage' });
  const tiles = new Map<string, { li: HTMLElement; key: string }>();

  const render = (s: RoomState): void => {
    const lead = s.snapshot.leaderId;
    const mod = isModerator(s.role);
    const seen = new Set<string>();
    const ordered = s.snapshot.stage.slice().sort((a, b) => rank(a) - rank(b));
    for (const m of ordered) {
      seen.add(m.userId);
      // rebuild a tile only when what it shows changed (levels only toggle a class)
      const key = [
        m.handle,
        m.role,
        m.muted,
        m.connected,
        lead === m.userId,
        mod,
        s.me === m.userId,
        s.role,
      ].join('|');
      let tile = tiles.get(m.userId);
      if (!tile || tile.key !== key) {
        const li = memberTile(
          m,
          lead === m.userId,
          s.me === m.userId,
          mod ? memberMenu(m, s, actions) : null,
        );
        if (tile) {
          // a moderator's open menu stays open when the tile is rebuilt under it (the person
          // connected, unmuted…): it snapped shut mid-click before
          if (tile.li.querySelector('details[open]')) li.querySelector('details')?.setAttribute('open', '');
          tile.li.replaceWith(li);
        }
        tile = { li, key };
        tiles.set(m.userId, tile);
      }
      const level = s.levels[m.userId] ?? 0;
      const speaking = !m.muted && level > SPEAKING_LEVEL;
      tile.li.classList.toggle('speaking', speaking);
      tile.li.style.setProperty('--level', String(Math.min(1, level * 3)));
      tile.li.dataset.speaking = String(speaking);
      list.appendChild(tile.li); // keeps order
    }
    for (const [id, t] of tiles) {
      if (!seen.has(id)) {
        t.li.remove();
        tiles.delete(id);
      }
    }
    if (ordered.length === 0) replace(list, h('li', { class: 'empty' }, 'No one is on stage yet.'));
    else list.querySelector(':scope > .empty')?.remove();
  };
  return { el: list, render };
}

const rank = (m: StageMember): number => ({ host: 0, cohost: 1, speaker: 2, listener: 3 })[m.role];

function memberTile(m: StageMember, leads: boolean, isMe: boolean, menu: HTMLElement | null): HTMLElement {
  const initials = m.handle.slice(0, 2).toUpperCase();
  return h(
    'li',
    {
      class: `member${m.connected ? '' : ' away'}`,
      'data-testid': 'stage-member',
      'data-user-id': m.userId,
      'data-handle': m.handle,
      'data-muted': String(m.muted),
    },
    h(
      'div',
      { class: 'avatar', 'aria-hidden': 'true', style: `--hue:${hue(m.handle)}` },
      initials,
      m.muted
        ? h('span', { class: 'muted-badge', 'data-testid': 'muted-badge', title: 'Muted' }, micOffIcon())
        : null,
    ),
    h(
      'span',
      { class: 'member-handle' },
      `@${m.handle}`,
      isMe ? h('span', { class: 'you' }, ' (you)') : null,
    ),
    h(
      'span',
      { class: 'labels' },
      m.role !== 'speaker'
        ? h('span', { class: `label ${m.role}`, 'data-testid': 'role-label' }, ROLE_LABEL[m.role])
        : null,
      leads ? h('span', { class: 'label leads', 'data-testid': 'leads-label' }, 'Leading') : null,
      m.connected
        ? null
        : h('span', { class: 'label away', title: 'No live audio connection' }, 'Audio offline'),
    ),
    h('span', { class: 'sr-only' }, m.muted ? 'muted' : 'mic on'),
    menu,
  );
}

function hue(s: string): number {
  let x = 0;
  for (let i = 0; i < s.length; i++) x = (x * 31 + s.charCodeAt(i)) % 360;
  return x;
}
