/** "N listening now · M joined in total": the two counts, named for what they are. */
import type { SpaceCounts } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';

const fmt = new Intl.NumberFormat();

export function countsView(): { el: HTMLElement; render: (c: SpaceCounts) => void } {
  const now = h('strong', { 'data-testid': 'listening-now' }, '0');
  const total = h('strong', { 'data-testid': 'total-joined' }, '0');
  const el = h(
    'p',
    { class: 'counts', 'data-testid': 'counts' },
    now,
    ' listening now · ',
    total,
    ' joined in total',
  );
  return {
    el,
    render: (c) => {
      now.textContent = fmt.format(c.listeningNow);
      total.textContent = fmt.format(c.totalJoined);
    },
  };
}
