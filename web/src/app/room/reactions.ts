/**
 * Reactions: one button per LIMITS.reactions emoji (drawn with the app's own SVG icons,
 * reaction-icons.ts, so no emoji font is needed), and the aggregated counts from `reactions`
 * bulletins floating up for FLOAT_MS. Your own tap only pulses its button; it floats when the
 * server's aggregated window comes back, like everyone else's.
 */
import { LIMITS, isReaction } from '../../../../src/protocol/limits.js';
import type { ReactionEmoji } from '../../../../src/protocol/limits.js';
import { h } from '../dom.js';
import type { ReactionBurst } from './state.js';
import { REACTION_ICONS, reactionIcon } from './reaction-icons.js';

/** ms a floating reaction stays visible */
const FLOAT_MS = 2_500;
/** at most this many floating bubbles at once, to keep a storm cheap */
const MAX_FLOATING = 30;

export function reactionsView(send: (emoji: ReactionEmoji) => void): {
  el: HTMLElement;
  burst: (b: ReactionBurst) => void;
} {
  const lane = h('div', { class: 'float-lane', 'aria-hidden': 'true', 'data-testid': 'reaction-lane' });
  const bar = h(
    'div',
    { class: 'reactions', role: 'group', 'aria-label': 'React' },
    ...LIMITS.reactions.map((emoji, i) =>
      h(
        'button',
        {
          type: 'button',
          class: 'reaction',
          'data-testid': `react-${i}`,
          'data-emoji': emoji,
          'aria-label': `React: ${REACTION_ICONS[emoji].name}`,
          title: REACTION_ICONS[emoji].name,
          onclick: (ev: Event) => {
            const btn = ev.currentTarget as HTMLElement;
            btn.classList.remove('pulse');
            void btn.offsetWidth; // restart the animation
            btn.classList.add('pulse');
            send(emoji);
          },
        },
        reactionIcon(emoji),
      ),
    ),
  );
  const float = (emoji: ReactionEmoji, count: number): void => {
    if (lane.childElementCount >= MAX_FLOATING) lane.firstElementChild?.remove();
    const bubble = h(
      'span',
      {
        class: 'floater',
        'data-testid': 'reaction-float',
        style: `--x:${Math.round(Math.random() * 80) + 10}%`,
      },
      reactionIcon(emoji),
      count > 1 ? h('small', {}, `×${count}`) : null,
    );
    lane.appendChild(bubble);
    window.setTimeout(() => bubble.remove(), FLOAT_MS);
  };
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  return {
    el: h('div', { class: 'reaction-area' }, lane, bar, live),
    burst: (b) => {
      const parts: string[] = [];
      for (const [emoji, count] of Object.entries(b.counts)) {
        if (!count || !isReaction(emoji)) continue;
        float(emoji, count);
        parts.push(`${count} ${REACTION_ICONS[emoji].name}`);
      }
      if (parts.length) live.textContent = `Reactions: ${parts.join(', ')}`;
    },
  };
}
