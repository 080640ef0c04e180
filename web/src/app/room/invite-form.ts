/**
 * "Invite a listener": a handle (with or without @) or a user id. A handle in the request
 * queue or on stage maps to its id at once; any other handle is looked up on the server
 * (GET /v1/users/:handle), so a host can invite anyone who is listening. An unknown handle
 * and a person who is not listening get their own messages.
 */
import { LIMITS } from '../../../../src/protocol/limits.js';
import { asUserId, type UserId } from '../../../../src/protocol/ids.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { ApiError, describe } from '../errors.js';
import type { RoomState } from './state.js';
import type { RoomActions } from './actions.js';

export function inviteForm(actions: RoomActions, state: () => RoomState | null): HTMLElement {
  const input = h('input', {
    name: 'invitee',
    type: 'text',
    placeholder: '@handle',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: false,
    'aria-label': 'Handle of the listener to invite',
    'data-testid': 'invite-input',
  });
  const submit = h('button', { type: 'submit', 'data-testid': 'invite-submit' }, 'Invite to speak');
  const form = h('form', { class: 'row invite', 'data-testid': 'invite-form' }, input, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const raw = input.value.trim().replace(/^@/, '');
    if (!raw) {
      actions.notify('Type the handle of a listener to invite.', 'error');
      input.focus();
      return;
    }
    submit.disabled = true;
    void invite(actions, raw, state())
      .then((ok) => {
        if (ok) input.value = '';
      })
      .finally(() => (submit.disabled = false));
  });
  return form;
}

async function invite(actions: RoomActions, raw: string, s: RoomState | null): Promise<boolean> {
  const handle = raw.toLowerCase();
  let userId: UserId;
  try {
    userId = await resolve(raw, s);
  } catch (err) {
    actions.notify(
      err instanceof ApiError && err.code === 'user_not_found'
        ? `No account is called @${handle}. Check the spelling.`
        : describe(err),
      'error',
    );
    return false;
  }
  try {
    await actions.stage({ type: 'invite_to_stage', userId });
    actions.notify(`Invited @${handle}. They see your invitation now.`, 'info');
    return true;
  } catch (err) {
    actions.notify(
      err instanceof ApiError && err.code === 'not_in_space'
        ? `@${handle} is not listening to this Space right now.`
        : describe(err),
      'error',
    );
    return false;
  }
}

/** the queue and the stage first (no round trip), then the server; a non-handle is an id */
async function resolve(raw: string, s: RoomState | null): Promise<UserId> {
  const lower = raw.toLowerCase();
  const hit =
    s?.requests.find((r) => r.handle === lower) ?? s?.snapshot.stage.find((m) => m.handle === lower);
  if (hit) return hit.userId;
  if (!LIMITS.handlePattern.test(lower)) return asUserId(raw);
  try {
    return (await api.user(lower)).id;
  } catch (err) {
    // an id that is not a handle-shaped word may still be an id
    if (err instanceof ApiError && err.code === 'user_not_found' && raw !== lower) return asUserId(raw);
    throw err;
  }
}
