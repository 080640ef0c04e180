/**
 * Which moderator actions the web app offers on someone on stage, by your role and theirs:
 * the targeted cells of the server's permission matrix (src/core/space/permissions.ts,
 * docs/permissions.md), so a co-host is never offered what the server would refuse.
 * test/integration/web-menu-rules.test.ts checks this table against the matrix.
 */
import type { Role } from '../../../../src/protocol/space.js';

export type MenuAction =
  'mute' | 'move_to_audience' | 'make_cohost' | 'remove_cohost' | 'transfer_host' | 'remove' | 'ban';

/** actor role -> action -> the roles it may target */
export const MENU_RULES: Readonly<Partial<Record<Role, Readonly<Record<MenuAction, readonly Role[]>>>>> = {
  host: {
    mute: ['host', 'cohost', 'speaker'],
    move_to_audience: ['cohost', 'speaker'],
    make_cohost: ['speaker'],
    remove_cohost: ['cohost'],
    transfer_host: ['cohost', 'speaker'],
    remove: ['cohost', 'speaker', 'listener'],
    ban: ['cohost', 'speaker', 'listener'],
  },
  cohost: {
    mute: ['cohost', 'speaker'],
    move_to_audience: ['speaker'],
    make_cohost: [],
    remove_cohost: [],
    transfer_host: [],
    remove: ['speaker', 'listener'],
    ban: ['speaker', 'listener'],
  },
};

export const mayTarget = (actor: Role, action: MenuAction, target: Role): boolean =>
  MENU_RULES[actor]?.[action].includes(target) ?? false;
