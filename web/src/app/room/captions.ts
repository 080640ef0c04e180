/**
 * Live captions: the last few final captions from `captions` bulletins, each labelled with
 * the speaker's handle, in a polite live region (role="log") so screen readers read new lines
 * without interrupting. A "Captions" button hides or shows them for this viewer (remembered in
 * localStorage); the host's switch (snapshot.captions) hides the whole block for everyone.
 */
import type { Caption } from '../../../../src/protocol/captions.js';
import { h } from '../dom.js';
import type { RoomState } from './state.js';

/** lines kept on screen */
const MAX_LINES = 3;
/** ms a caption stays after it arrived */
const LINE_MS = 8_000;
const STORAGE_KEY = 'rostra.captions.hidden';

export function captionsView(): {
  el: HTMLElement;
  add: (captions: readonly Caption[], state: RoomState) => void;
  render: (state: RoomState) => void;
} {
  let hidden = localStorage.getItem(STORAGE_KEY) === '1';
  const log = h('div', {
    class: 'captions-log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Live captions',
    'data-testid': 'captions-log',
  });
  const toggle = h('button', {
    type: 'button',
    class: 'toggle small',
    'data-testid': 'captions-toggle',
    onclick: () => {
      hidden = !hidden;
      localStorage.setItem(STORAGE_KEY, hidden ? '1' : '0');
      paint();
    },
  });
  const el = h('section', { class: 'captions', 'data-testid': 'captions' }, toggle, log);
  const paint = (): void => {
    toggle.setAttribute('aria-pressed', String(!hidden));
    toggle.textContent = hidden ? 'Captions: off' : 'Captions: on';
    log.hidden = hidden;
  };
  paint();

  const handleOf = (state: RoomState, userId: string): string =>
    state.snapshot.stage.find((m) => m.userId === userId)?.handle ?? 'speaker';

  return {
    el,
    add(captions, state) {
      for (const c of captions) {
        const line = h(
          'p',
          { class: 'caption', 'data-testid': 'caption', 'data-speaker': c.speakerId },
          h('strong', {}, `@${handleOf(state, c.speakerId)}: `),
          c.text,
        );
        log.append(line);
        while (log.childElementCount > MAX_LINES) log.firstElementChild?.remove();
        window.setTimeout(() => line.remove(), LINE_MS);
      }
    },
    render(state) {
      el.hidden = !state.snapshot.captions;
    },
  };
}
