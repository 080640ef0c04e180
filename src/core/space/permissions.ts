/**
 * The permission matrix as DATA: action x actor kind -> allowed. The Room enforces exactly
 * this table (see `checkPermission`), and docs/permissions.md prints it (a unit test checks the
 * printed table equals `renderPermissionMatrix()`).
 *
 * A cell is `false` (refused with `forbidden`), `true` (allowed; the action has no target or
 * targets only yourself), or the list of roles the actor may target with it.
 */
import type { Role, SpaceState } from '../../protocol/space.js';

export const ACTIONS = [
  'open_backstage',
  'go_live',
  'end_space',
  'approve_request',
  'decline_request',
  'invite_to_stage',
  'move_to_audience',
  'leave_stage',
  'mute',
  'unmute',
  'mute_self',
  'make_cohost',
  'remove_cohost',
  'transfer_host',
  'remove',
  'ban',
  'set_recording',
  'set_captions',
  'list_listeners',
  'react',
  'raise_hand',
  'lower_hand',
  'accept_invite',
  'decline_invite',
  'ask',
  'upvote',
  'answer_question',
  'now_answering',
  'hide_question',
  'ban_from_questions',
  'set_questions',
] as const;
export type Action = (typeof ACTIONS)[number];

/** who is acting: a room role, an anonymous listener, or a server operator (token grant) */
export const ACTOR_KINDS = ['host', 'cohost', 'speaker', 'listener', 'anonymous', 'admin'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export type Cell = boolean | readonly Role[];

const Y = true;
const N = false;
const STAGE: readonly Role[] = ['host', 'cohost', 'speaker'];

// prettier-ignore
export const PERMISSIONS: Readonly<Record<Action, Readonly<Record<ActorKind, Cell>>>> = {
  //                 host                                   cohost                         speaker listener anonymous admin
  open_backstage:   { host: Y,                              cohost: N,                     speaker: N, listener: N, anonymous: N, admin: Y },
  go_live:          { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: Y },
  end_space:        { host: Y,                              cohost: N,                     speaker: N, listener: N, anonymous: N, admin: Y },
  approve_request:  { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: N },
  decline_request:  { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: N },
  invite_to_stage:  { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: N },
  move_to_audience: { host: ['cohost', 'speaker'],          cohost: ['speaker'],           speaker: N, listener: N, anonymous: N, admin: ['cohost', 'speaker'] },
  leave_stage:      { host: N,                              cohost: Y,                     speaker: Y, listener: N, anonymous: N, admin: N },
  mute:             { host: STAGE,                          cohost: ['cohost', 'speaker'], speaker: N, listener: N, anonymous: N, admin: STAGE },
  unmute:           { host: Y,                              cohost: Y,                     speaker: Y, listener: N, anonymous: N, admin: N },
  mute_self:        { host: Y,                              cohost: Y,                     speaker: Y, listener: N, anonymous: N, admin: N },
  make_cohost:      { host: ['speaker'],                    cohost: N,                     speaker: N, listener: N, anonymous: N, admin: N },
  remove_cohost:    { host: ['cohost'],                     cohost: N,                     speaker: N, listener: N, anonymous: N, admin: N },
  transfer_host:    { host: ['cohost', 'speaker'],          cohost: N,                     speaker: N, listener: N, anonymous: N, admin: N },
  remove:           { host: ['cohost', 'speaker', 'listener'], cohost: ['speaker', 'listener'], speaker: N, listener: N, anonymous: N, admin: ['cohost', 'speaker', 'listener'] },
  ban:              { host: ['cohost', 'speaker', 'listener'], cohost: ['speaker', 'listener'], speaker: N, listener: N, anonymous: N, admin: ['cohost', 'speaker', 'listener'] },
  set_recording:    { host: Y,                              cohost: N,                     speaker: N, listener: N, anonymous: N, admin: Y },
  set_captions:     { host: Y,                              cohost: N,                     speaker: N, listener: N, anonymous: N, admin: Y },
  list_listeners:   { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: Y },
  react:            { host: Y,                              cohost: Y,                     speaker: Y, listener: Y, anonymous: Y, admin: N },
  raise_hand:       { host: N,                              cohost: N,                     speaker: N, listener: Y, anonymous: N, admin: N },
  lower_hand:       { host: N,                              cohost: N,                     speaker: N, listener: Y, anonymous: N, admin: N },
  accept_invite:    { host: N,                              cohost: N,                     speaker: N, listener: Y, anonymous: N, admin: N },
  decline_invite:   { host: N,                              cohost: N,                     speaker: N, listener: Y, anonymous: N, admin: N },
  ask:              { host: Y,                              cohost: Y,                     speaker: Y, listener: Y, anonymous: N, admin: N },
  upvote:           { host: Y,                              cohost: Y,                     speaker: Y, listener: Y, anonymous: N, admin: N },
  answer_question:  { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: Y },
  now_answering:    { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: Y },
  hide_question:    { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: Y },
  ban_from_questions: { host: ['speaker', 'listener'],      cohost: ['speaker', 'listener'], speaker: N, listener: N, anonymous: N, admin: ['speaker', 'listener'] },
  set_questions:    { host: Y,                              cohost: Y,                     speaker: N, listener: N, anonymous: N, admin: Y },
};

/** the Space states in which each action is accepted (refusals: see `stateRefusal`) */
const MANAGE: readonly SpaceState[] = ['backstage', 'live'];
export const ACTION_STATES: Readonly<Record<Action, readonly SpaceState[]>> = {
  open_backstage: ['scheduled'],
  go_live: ['backstage'],
  end_space: ['scheduled', 'backstage', 'live'],
  approve_request: MANAGE,
  decline_request: MANAGE,
  invite_to_stage: MANAGE,
  move_to_audience: MANAGE,
  leave_stage: MANAGE,
  mute: MANAGE,
  unmute: MANAGE,
  mute_self: MANAGE,
  make_cohost: MANAGE,
  remove_cohost: MANAGE,
  transfer_host: MANAGE,
  remove: MANAGE,
  ban: MANAGE,
  set_recording: MANAGE,
  set_captions: MANAGE,
  list_listeners: MANAGE,
  react: ['live'],
  raise_hand: ['live'],
  lower_hand: ['live'],
  accept_invite: MANAGE,
  decline_invite: MANAGE,
  ask: ['live'],
  upvote: ['live'],
  answer_question: MANAGE,
  now_answering: MANAGE,
  hide_question: MANAGE,
  ban_from_questions: MANAGE,
  set_questions: MANAGE,
};

/** actions whose target may not be the actor (use leave_stage / mute_self instead) */
export const NOT_ON_SELF: ReadonlySet<Action> = new Set<Action>([
  'approve_request',
  'decline_request',
  'invite_to_stage',
  'move_to_audience',
  'make_cohost',
  'remove_cohost',
  'transfer_host',
  'remove',
  'ban',
  'ban_from_questions',
]);

/** the kinds an actor counts as: its room role (or `anonymous`), plus `admin` if granted */
export function actorKinds(role: Role, anonymous: boolean, admin: boolean): ActorKind[] {
  const kinds: ActorKind[] = [anonymous ? 'anonymous' : role];
  if (admin) kinds.push('admin');
  return kinds;
}

/** true if any of the actor's kinds may perform the action at all */
export function isAllowed(action: Action, kinds: readonly ActorKind[]): boolean {
  return kinds.some((k) => PERMISSIONS[action][k] !== false);
}

/** the union of roles the actor may target with the action ('*' when the cell is `true`) */
export function allowedTargets(action: Action, kinds: readonly ActorKind[]): Set<Role> | '*' {
  const out = new Set<Role>();
  for (const k of kinds) {
    const cell = PERMISSIONS[action][k];
    if (cell === true) return '*';
    if (cell !== false) for (const r of cell) out.add(r);
  }
  return out;
}

const LABEL: Record<Role, string> = {
  host: 'host',
  cohost: 'co-host',
  speaker: 'speaker',
  listener: 'listener',
};
const cellText = (cell: Cell): string =>
  cell === true ? 'yes' : cell === false ? '—' : cell.map((r) => LABEL[r]).join(', ');

/** the matrix as a markdown table, printed verbatim into docs/permissions.md */
export function renderPermissionMatrix(): string {
  const head = `| action | states | ${ACTOR_KINDS.join(' | ')} |`;
  const rule = `|${' --- |'.repeat(ACTOR_KINDS.length + 2)}`;
  const rows = ACTIONS.map((a) => {
    const cells = ACTOR_KINDS.map((k) => cellText(PERMISSIONS[a][k]));
    return `| \`${a}\` | ${ACTION_STATES[a].join(', ')} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
