/**
 * Moderator actions on one person on stage (host and co-hosts only): mute, move to audience,
 * make/remove co-host, hand over host, remove, ban — only those your role may do to theirs
 * (menu-rules.ts; the server checks again). Destructive ones ask for confirmation first.
 */
import type { StageMember } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';
import type { RoomState } from './state.js';
import type { RoomActions, StageCommand } from './actions.js';
import { run } from './actions.js';
import { mayTarget, type MenuAction } from './menu-rules.js';

export function memberMenu(m: StageMember, s: RoomState, actions: RoomActions): HTMLElement | null {
  if (m.userId === s.me) return null;
  const items: HTMLElement[] = [];
  const item = (
    label: string,
    testid: string,
    cmd: StageCommand & { type: MenuAction },
    confirmText?: string,
    done?: string,
  ): void => {
    if (!mayTarget(s.role, cmd.type, m.role)) return;
    items.push(
      h(
        'button',
        {
          type: 'button',
          'data-testid': testid,
          onclick: (ev: Event) => {
            if (confirmText && !window.confirm(confirmText)) return;
            (ev.currentTarget as HTMLElement).closest('details')?.removeAttribute('open');
            void run(actions, cmd, done);
          },
        },
        label,
      ),
    );
  };
  const who = `@${m.handle}`;
  if (!m.muted) item('Mute', 'mute', { type: 'mute', userId: m.userId });
  item('Move to audience', 'move-down', { type: 'move_to_audience', userId: m.userId });
  item('Remove co-host', 'remove-cohost', { type: 'remove_cohost', userId: m.userId });
  item('Make co-host', 'make-cohost', { type: 'make_cohost', userId: m.userId });
  item(
    'Hand over host',
    'transfer-host',
    { type: 'transfer_host', userId: m.userId },
    `Make ${who} the host? You will become a co-host.`,
    `${who} is now the host.`,
  );
  item('Remove from Space', 'remove', { type: 'remove', userId: m.userId }, `Remove ${who} from this Space?`);
  item(
    'Ban from Space',
    'ban',
    { type: 'ban', userId: m.userId },
    `Ban ${who} from this Space? They cannot come back.`,
  );
  if (items.length === 0) return null;
  return h(
    'details',
    { class: 'menu', 'data-testid': 'member-menu' },
    h('summary', { 'aria-label': `Actions for ${who}` }, '⋯'),
    h('div', { class: 'menu-items' }, ...items),
  );
}
