/**
 * Your mic on stage: a big LIVE / MUTED indicator (always visible while you are on stage), the
 * mute toggle, and a mic-check level meter. The mic starts muted. Unmuting asks the server
 * first and only enables the track on its ack; a mute from a host (snapshot says muted)
 * disables the track at once. The indicator shows the local track state, which is the truth
 * about what leaves your browser.
 */
import { h, replace } from '../dom.js';
import { micIcon, micOffIcon } from '../icons.js';
import { describe } from '../errors.js';
import type { Mic } from './mic.js';
import type { RoomActions } from './actions.js';
import type { SpaceState } from '../../../../src/protocol/space.js';

export interface MicPanel {
  el: HTMLElement;
  /** the mic once connected (null before) */
  attach(mic: Mic): void;
  /** forget the mic (it was closed): back to "Connect your mic" */
  detach(): void;
  /** server says whether I am muted; returns true when that turned a live mic off (a host's mute) */
  serverMuted(muted: boolean): boolean;
  /** the Space's state: backstage, only the people on stage hear you */
  spaceState(state: SpaceState): void;
  /** the audio link is down and coming back (null: it is up); `wantLive`: the kept intent */
  link(reconnecting: { wantLive: boolean } | null): void;
  close(): void;
}

export function micPanel(
  actions: RoomActions,
  connect: () => Promise<void>,
  /** Mute pressed while reconnecting: stay muted once back */
  onStayMuted: () => void,
): MicPanel {
  let mic: Mic | null = null;
  let reconnecting: { wantLive: boolean } | null = null;
  let raf = 0;
  let busy = false;
  let backstage = false;
  const indicator = h('div', {
    class: 'mic-state muted',
    'data-testid': 'mic-state',
    role: 'status',
    'aria-live': 'assertive',
    'aria-atomic': 'true',
  });
  const toggle = h('button', {
    type: 'button',
    class: 'mic-toggle',
    'data-testid': 'mic-toggle',
    disabled: true,
  });
  const connectBtn = h(
    'button',
    { type: 'button', class: 'primary', 'data-testid': 'mic-connect' },
    'Connect your mic',
  );
  const meterFill = h('div', { class: 'meter-fill' });
  const meter = h(
    'div',
    {
      class: 'meter',
      role: 'meter',
      'aria-label': 'Mic check level',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': 0,
      'data-testid': 'mic-meter',
    },
    meterFill,
  );
  const hint = h(
    'p',
    { class: 'hint' },
    'Mic check: speak and watch the bar. Only you see it; nothing is sent while MUTED.',
  );

  const paint = (): void => {
    if (mic && reconnecting) return paintReconnecting(reconnecting.wantLive);
    const live = mic?.live ?? false;
    indicator.className = `mic-state ${live ? 'live' : 'muted'}`;
    indicator.dataset.state = live ? 'live' : 'muted';
    // say who hears you, truly: backstage only the people on stage do
    if (live)
      replace(
        indicator,
        micIcon(),
        ' LIVE',
        h('small', {}, backstage ? 'backstage: only the people on stage hear you' : 'everyone hears you'),
      );
    else
      replace(
        indicator,
        micOffIcon(),
        ' MUTED',
        h('small', {}, mic ? 'no one hears you' : 'mic not connected'),
      );
    toggle.textContent = live ? 'Mute' : 'Unmute';
    toggle.setAttribute('aria-pressed', String(live));
    toggle.disabled = !mic || busy;
    connectBtn.hidden = mic !== null;
  };

  // truthful while the link is down: nothing leaves the browser, and what happens once back
  const paintReconnecting = (wantLive: boolean): void => {
    indicator.className = 'mic-state reconnecting';
    indicator.dataset.state = 'reconnecting';
    replace(
      indicator,
      micOffIcon(),
      ' RECONNECTING…',
      h(
        'small',
        {},
        wantLive ? 'no one hears you; live again once back' : 'no one hears you; you stay muted',
      ),
    );
    toggle.textContent = 'Mute';
    toggle.setAttribute('aria-pressed', String(wantLive));
    toggle.disabled = !wantLive;
    connectBtn.hidden = true;
  };

  const tick = (): void => {
    if (!mic) return;
    const pct = Math.round(mic.level() * 100);
    meterFill.style.width = `${pct}%`;
    meter.setAttribute('aria-valuenow', String(pct));
    raf = requestAnimationFrame(tick);
  };

  connectBtn.addEventListener('click', () => {
    connectBtn.disabled = true;
    connect()
      .catch((err: unknown) => actions.notify(`Could not use your microphone: ${describe(err)}`, 'error'))
      .finally(() => (connectBtn.disabled = false));
  });

  toggle.addEventListener('click', () => {
    if (mic && reconnecting) {
      onStayMuted();
      return;
    }
    if (!mic || busy) return;
    const m = mic;
    if (m.live) {
      // mute locally first: never wait on the network to stop a hot mic
      m.setLive(false);
      paint();
      actions.stage({ type: 'mute_self' }).catch((err: unknown) => actions.notify(describe(err), 'error'));
      return;
    }
    busy = true;
    paint();
    actions
      .stage({ type: 'unmute' })
      .then(() => m.setLive(true))
      .catch((err: unknown) => actions.notify(describe(err), 'error'))
      .finally(() => {
        busy = false;
        paint();
      });
  });

  paint();
  return {
    el: h(
      'section',
      { class: 'panel mic-panel', 'aria-label': 'Your microphone' },
      indicator,
      h('div', { class: 'row' }, connectBtn, toggle),
      meter,
      hint,
    ),
    attach(m) {
      mic = m;
      paint();
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(tick);
    },
    detach() {
      cancelAnimationFrame(raf);
      mic = null;
      meterFill.style.width = '0%';
      paint();
    },
    link(r) {
      reconnecting = r;
      paint();
    },
    serverMuted(muted) {
      const turnedOff = muted && (mic?.live ?? false);
      if (turnedOff) mic?.setLive(false);
      paint();
      return turnedOff;
    },
    spaceState(state) {
      if (backstage === (state === 'backstage')) return;
      backstage = state === 'backstage';
      paint();
    },
    close() {
      cancelAnimationFrame(raf);
      mic = null;
    },
  };
}
