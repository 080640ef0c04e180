/**
 * The moderators' queue (host and co-hosts): every question, hidden ones too, read from
 * GET /v1/spaces/:id/questions when the board changes (at most once per REFRESH_MS), with
 * "Answer now" (highlight for everyone), "Answered", "Hide" and "Ban from questions", and the
 * live settings: questions on/off and slow mode. Commands go over the stage socket.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import type { Question, QuestionBoard } from '../../../../src/protocol/questions.js';
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import type { RoomActions } from './actions.js';
import { run } from './actions.js';

/** ms between two queue fetches, however often the board changes */
const REFRESH_MS = 1_000;
const SLOW_MODES: [number, string][] = [
  [0, 'Slow mode: off'],
  [10_000, 'One per 10 s'],
  [30_000, 'One per 30 s'],
  [60_000, 'One per minute'],
  [300_000, 'One per 5 min'],
];

export function questionQueue(
  spaceId: SpaceId,
  actions: RoomActions,
): { el: HTMLElement; render: (board: QuestionBoard) => void } {
  let board: QuestionBoard | null = null;
  let timer = 0;
  let lastFetch = 0;
  const list = h('ul', { class: 'queue', 'data-testid': 'question-queue' });
  const enabled = h('input', { type: 'checkbox', 'data-testid': 'questions-enabled' });
  const slow = h(
    'select',
    { 'aria-label': 'Slow mode', 'data-testid': 'slow-mode' },
    ...SLOW_MODES.map(([ms, label]) => h('option', { value: String(ms) }, label)),
  );
  const apply = (): void => {
    void run(actions, { type: 'set_questions', enabled: enabled.checked, slowModeMs: Number(slow.value) });
  };
  enabled.addEventListener('change', apply);
  slow.addEventListener('change', apply);

  const button = (label: string, testid: string, onclick: () => void, cls = 'small') =>
    h('button', { type: 'button', class: cls, 'data-testid': testid, onclick }, label);

  const row = (q: Question): HTMLElement =>
    h(
      'li',
      { 'data-testid': 'queue-question', 'data-question-id': q.id, 'data-status': q.status },
      h('span', { class: 'question-text' }, q.text),
      h('small', { class: 'muted' }, ` @${q.authorHandle} · ${q.votes} votes · ${q.status}`),
      h(
        'div',
        { class: 'row' },
        q.status === 'open'
          ? button(
              'Answer now',
              'answer-now',
              () => void act({ type: 'now_answering', questionId: q.id }),
              'primary small',
            )
          : null,
        q.status === 'open' || q.status === 'answering'
          ? button('Answered', 'mark-answered', () => void act({ type: 'answer_question', questionId: q.id }))
          : null,
        q.status !== 'hidden'
          ? button('Hide', 'hide-question', () => void act({ type: 'hide_question', questionId: q.id }))
          : null,
        button('Ban from questions', 'ban-asker', () => {
          if (window.confirm(`Stop @${q.authorHandle} from posting questions here?`))
            void act(
              { type: 'ban_from_questions', userId: q.authorId },
              `@${q.authorHandle} can no longer post.`,
            );
        }),
      ),
    );

  const act = async (cmd: Parameters<typeof run>[1], done?: string): Promise<void> => {
    if (await run(actions, cmd, done)) schedule(0);
  };

  const refresh = (): void => {
    timer = 0;
    lastFetch = Date.now();
    api
      .questions(spaceId)
      .then((res) => {
        const open = res.questions.filter((q) => q.status === 'open' || q.status === 'answering');
        const rest = res.questions.filter((q) => q.status !== 'open' && q.status !== 'answering');
        if (res.questions.length === 0) replace(list, h('li', { class: 'empty' }, 'No questions yet.'));
        else replace(list, ...[...open, ...rest].map(row));
      })
      .catch(() => undefined); // the next board change retries
  };
  const schedule = (delay = Math.max(0, lastFetch + REFRESH_MS - Date.now())): void => {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  };

  const el = h(
    'section',
    { class: 'panel question-queue', 'aria-label': 'Question queue' },
    h('h3', {}, 'Question queue'),
    h('label', { class: 'row' }, enabled, ' Questions on'),
    slow,
    list,
  );
  return {
    el,
    render: (next) => {
      if (board === next) return;
      board = next;
      enabled.checked = next.enabled;
      slow.value = String(next.slowModeMs);
      schedule();
    },
  };
}
