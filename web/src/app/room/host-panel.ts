/**
 * Host and co-host controls: Go live (backstage only), the queue of requests to speak
 * (approve / decline), invite a listener up by handle or user id, the Recording on/off switch
 * (host only: set_recording; the server refuses co-hosts) and End the Space (confirm).
 */
import type { UserId } from '../../../../src/protocol/ids.js';
import { asUserId } from '../../../../src/protocol/ids.js';
import { h, replace } from '../dom.js';
import type { RoomState } from './state.js';
import type { RoomActions } from './actions.js';
import { run } from './actions.js';

export function hostPanel(actions: RoomActions): { el: HTMLElement; render: (s: RoomState) => void } {
  let state: RoomState | null = null;
  const goLive = h(
    'button',
    {
      type: 'button',
      class: 'primary big',
      'data-testid': 'go-live',
      onclick: () => {
        goLive.disabled = true;
        void run(actions, { type: 'go_live' }).finally(() => (goLive.disabled = false));
      },
    },
    'Go live',
  );
  const recToggle = h('button', {
    type: 'button',
    class: 'toggle rec-toggle',
    'data-testid': 'recording-toggle',
    onclick: () => {
      const on = recToggle.getAttribute('aria-pressed') !== 'true';
      recToggle.disabled = true;
      void run(
        actions,
        { type: 'set_recording', on },
        on ? 'Recording resumed.' : 'Recording paused: the replay will show a gap.',
      ).finally(() => (recToggle.disabled = false));
    },
  });
  const capToggle = h('button', {
    type: 'button',
    class: 'toggle',
    'data-testid': 'captions-switch',
    onclick: () => {
      const on = capToggle.getAttribute('aria-pressed') !== 'true';
      capToggle.disabled = true;
      void run(
        actions,
        { type: 'set_captions', on },
        on ? 'Live captions on.' : 'Live captions off.',
      ).finally(() => (capToggle.disabled = false));
    },
  });
  const queue = h('ul', { class: 'queue', 'data-testid': 'request-queue', 'aria-live': 'polite' });
  const queueTitle = h('h3', {}, 'Requests to speak');

  const inviteInput = h('input', {
    name: 'invitee',
    type: 'text',
    placeholder: '@handle or user id',
    autocomplete: 'off',
    'aria-label': 'Handle or user id to invite',
    'data-testid': 'invite-input',
  });
  const inviteForm = h(
    'form',
    { class: 'row invite', 'data-testid': 'invite-form' },
    inviteInput,
    h('button', { type: 'submit', 'data-testid': 'invite-submit' }, 'Invite to speak'),
  );
  inviteForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const raw = inviteInput.value.trim().replace(/^@/, '');
    if (!raw) {
      actions.notify('Type a handle or user id to invite.', 'error');
      inviteInput.focus();
      return;
    }
    const userId = resolve(raw, state);
    void run(
      actions,
      { type: 'invite_to_stage', userId },
      `Invited @${raw}. They see your invitation now.`,
    ).then((ok) => {
      if (ok) inviteInput.value = '';
    });
  });

  const end = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      'data-testid': 'end-space',
      onclick: () => {
        if (!window.confirm('End this Space for everyone? This cannot be undone.')) return;
        void run(actions, { type: 'end_space' });
      },
    },
    'End Space',
  );

  const el = h(
    'section',
    { class: 'panel host-panel', 'aria-label': 'Host controls' },
    h('h2', {}, 'Host controls'),
    goLive,
    h('div', { class: 'row' }, recToggle, capToggle),
    queueTitle,
    queue,
    h('h3', {}, 'Invite a listener'),
    inviteForm,
    h('div', { class: 'row end-row' }, end),
  );

  const render = (s: RoomState): void => {
    state = s;
    goLive.hidden = s.snapshot.space.state !== 'backstage';
    const recording = s.snapshot.space.recording;
    recToggle.hidden = s.role !== 'host';
    recToggle.setAttribute('aria-pressed', String(recording));
    recToggle.dataset.on = String(recording);
    recToggle.textContent = recording ? 'Recording: on' : 'Recording: off';
    recToggle.title = recording ? 'Pause the recording' : 'Record this Space';
    capToggle.hidden = s.role !== 'host';
    capToggle.setAttribute('aria-pressed', String(s.snapshot.captions));
    capToggle.textContent = s.snapshot.captions ? 'Captions: on' : 'Captions: off';
    capToggle.title = s.snapshot.captions ? 'Stop live captions for everyone' : 'Caption this Space live';
    queueTitle.textContent = `Requests to speak (${s.requests.length})`;
    if (s.requests.length === 0) {
      replace(queue, h('li', { class: 'empty' }, 'No one has asked to speak.'));
      return;
    }
    replace(
      queue,
      ...s.requests.map((r) =>
        h(
          'li',
          { 'data-testid': 'request', 'data-user-id': r.userId, 'data-handle': r.handle },
          h('span', { class: 'member-handle' }, `@${r.handle}`),
          h(
            'button',
            {
              type: 'button',
              class: 'primary small',
              'data-testid': 'approve',
              onclick: () => void run(actions, { type: 'approve_request', userId: r.userId }),
            },
            'Approve',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'data-testid': 'decline',
              onclick: () => void run(actions, { type: 'decline_request', userId: r.userId }),
            },
            'Decline',
          ),
        ),
      ),
    );
  };
  return { el, render };
}

/** A handle in the request queue or on stage maps to its id; anything else is taken as an id. */
function resolve(raw: string, s: RoomState | null): UserId {
  const lower = raw.toLowerCase();
  const hit =
    s?.requests.find((r) => r.handle === lower) ?? s?.snapshot.stage.find((m) => m.handle === lower);
  return hit ? hit.userId : asUserId(raw);
}
