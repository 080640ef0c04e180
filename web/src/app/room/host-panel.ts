/**
 * Host and co-host controls: Go live (backstage only), the queue of requests to speak
 * (approve / decline), invite a listener up by handle (invite-form.ts), the people listening
 * (audience-list.ts), the Recording on/off switch and End the Space (confirm) — those two for
 * the host only, as the permission matrix says (docs/permissions.md). Go live warns when your
 * own mic is not connected.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import { h, replace } from '../dom.js';
import type { RoomState } from './state.js';
import type { RoomActions } from './actions.js';
import { run } from './actions.js';
import { inviteForm } from './invite-form.js';
import { audienceList } from './audience-list.js';

export function hostPanel(
  spaceId: SpaceId,
  actions: RoomActions,
): { el: HTMLElement; render: (s: RoomState) => void } {
  let state: RoomState | null = null;
  const micMissing = (): boolean => {
    const me = state?.snapshot.stage.find((m) => m.userId === state?.me);
    return !me?.connected;
  };
  const goLive = h(
    'button',
    {
      type: 'button',
      class: 'primary big',
      'data-testid': 'go-live',
      onclick: () => {
        if (
          micMissing() &&
          !window.confirm(
            'Your microphone is not connected: listeners will hear nothing from you. Go live anyway?',
          )
        )
          return;
        goLive.disabled = true;
        void run(actions, { type: 'go_live' }).finally(() => (goLive.disabled = false));
      },
    },
    'Go live',
  );
  const micWarning = h(
    'p',
    { class: 'warning', role: 'status', 'data-testid': 'go-live-warning', hidden: true },
    'Your microphone is not connected yet. Connect it before you go live, or listeners will hear nothing from you.',
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

  const endRow = h('div', { class: 'row end-row' }, end);
  const el = h(
    'section',
    { class: 'panel host-panel', 'aria-label': 'Host controls' },
    h('h2', {}, 'Host controls'),
    goLive,
    micWarning,
    h('div', { class: 'row' }, recToggle, capToggle),
    queueTitle,
    queue,
    h('h3', {}, 'Invite a listener'),
    inviteForm(actions, () => state),
    audienceList(spaceId, actions),
    endRow,
  );

  const render = (s: RoomState): void => {
    state = s;
    goLive.hidden = s.snapshot.space.state !== 'backstage';
    micWarning.hidden = goLive.hidden || !micMissing();
    // only the host may end the Space (the matrix: co-hosts cannot), so only the host sees it
    endRow.hidden = s.role !== 'host';
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
