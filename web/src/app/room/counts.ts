/**
 * "N listening · M on stage · T joined in total": the counts, named for what they are. The
 * server's listeningNow counts open listening connections only; people on stage are counted
 * apart, so no one is left out and no one counted twice.
 */
import type { SpaceCounts } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';

const fmt = new Intl.NumberFormat();

export function countsView(): { el: HTMLElement; render: (c: SpaceCounts, onStage: number) => void } {
  const now = h('strong', { 'data-testid': 'listening-now' }, '0');
  const total = h('strong', { 'data-testid': 'total-joined' }, '0');
  const stage = h('strong', { 'data-testid': 'on-stage' }, '0');
  const el = h(
    'p',
    { class: 'counts', 'data-testid': 'counts' },
    now,
    ' listening · ',
    stage,
    ' on stage · ',
    total,
    ' joined in total',
  );
  return {
    el,
    render: (c, onStage) => {
      now.textContent = fmt.format(c.listeningNow);
      stage.textContent = fmt.format(onStage);
      total.textContent = fmt.format(c.totalJoined);
    },
  };
}
