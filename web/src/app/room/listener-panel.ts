/**
 * What a listener can do: Play (audio needs a user gesture), request to speak / lower hand,
 * and answer an invitation to the stage. Anonymous listeners see a sign-in link instead of
 * the hand button (the server only takes requests from accounts).
 */
import { h } from '../dom.js';
import type { RoomState } from './state.js';
import type { RoomActions } from './actions.js';

export interface ListenerPanel {
  el: HTMLElement;
  render(s: RoomState): void;
  setPlaying(state: 'idle' | 'starting' | 'playing'): void;
  /** a short line about the stream, e.g. "Buffering…" or "Live · 0.4 s behind" */
  setStatus(text: string): void;
}

export function listenerPanel(
  actions: RoomActions,
  play: () => void,
  stop: () => void,
  spacePath: string,
): ListenerPanel {
  let playing: 'idle' | 'starting' | 'playing' = 'idle';
  const playBtn = h('button', { type: 'button', class: 'primary big play', 'data-testid': 'play' });
  playBtn.addEventListener('click', () => (playing === 'idle' ? play() : stop()));
  const hand = h('button', { type: 'button', 'data-testid': 'request-speak' });
  let raised = false;
  hand.addEventListener('click', () => actions.audience({ type: raised ? 'lower_hand' : 'raise_hand' }));
  const signIn = h(
    'a',
    { href: `#/signin?next=${encodeURIComponent(spacePath)}`, 'data-testid': 'listener-signin' },
    'Sign in to request to speak',
  );
  const invite = h(
    'div',
    {
      class: 'invite-banner',
      role: 'alertdialog',
      'aria-label': 'Invitation to speak',
      'data-testid': 'invitation',
      hidden: true,
    },
    h('p', {}, 'The host invites you to speak on stage.'),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          'data-testid': 'accept-invite',
          onclick: () => actions.audience({ type: 'accept_invite' }),
        },
        'Join the stage',
      ),
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'decline-invite',
          onclick: () => actions.audience({ type: 'decline_invite' }),
        },
        'Not now',
      ),
    ),
  );
  const status = h('p', {
    class: 'hint player-status',
    'data-testid': 'player-status',
    'aria-live': 'polite',
  });
  let notLive = false;
  const paintPlay = (): void => {
    playBtn.disabled = notLive && playing === 'idle';
    playBtn.textContent = playing === 'idle' ? '▶ Play' : playing === 'starting' ? 'Connecting…' : '❚❚ Stop';
    playBtn.setAttribute('aria-pressed', String(playing !== 'idle'));
    playBtn.dataset.state = playing;
  };
  paintPlay();
  return {
    el: h(
      'section',
      { class: 'panel listener-panel', 'aria-label': 'Listen' },
      playBtn,
      status,
      h('div', { class: 'row' }, hand, signIn),
      invite,
    ),
    render(s) {
      notLive = s.snapshot.space.state !== 'live';
      if (notLive && playing === 'idle') status.textContent = 'Waiting for the host to go live…';
      else if (!notLive && playing === 'idle') status.textContent = '';
      paintPlay();
      raised = s.handRaised;
      const anonymous = s.me === null;
      hand.hidden = anonymous;
      signIn.hidden = !anonymous;
      hand.textContent = raised ? '✋ Lower hand' : '✋ Request to speak';
      hand.setAttribute('aria-pressed', String(raised));
      hand.disabled = playing !== 'playing' || s.snapshot.space.state !== 'live';
      hand.title = hand.disabled ? 'Press Play to join the room first' : '';
      invite.hidden = !s.invited;
    },
    setPlaying(p) {
      playing = p;
      paintPlay();
    },
    setStatus(text) {
      status.textContent = text;
    },
  };
}
