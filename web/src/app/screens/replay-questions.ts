/**
 * The questions of an ended Space on its replay page, most votes first, as the store kept them
 * (GET /v1/spaces/:id/questions: hidden ones are left out for everyone but the hosts). Loaded
 * once; the text is set as text.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import type { Question } from '../../../../src/protocol/questions.js';
import { api } from '../api.js';
import { h, replace } from '../dom.js';

const STATUS: Record<Question['status'], string> = {
  open: 'not answered',
  answering: 'answered',
  answered: 'answered',
  hidden: 'hidden',
};

export function replayQuestions(spaceId: SpaceId): HTMLElement {
  const list = h('ol', { class: 'question-list', 'data-testid': 'replay-questions' });
  const el = h('section', { class: 'questions', 'aria-label': 'Questions' }, h('h2', {}, 'Questions'), list);
  replace(list, h('li', { class: 'empty' }, 'Loading the questions…'));
  api
    .questions(spaceId)
    .then(({ questions }) => {
      if (questions.length === 0)
        return replace(list, h('li', { class: 'empty' }, 'No questions were asked.'));
      replace(
        list,
        ...questions.map((q) =>
          h(
            'li',
            { 'data-testid': 'replay-question', 'data-status': q.status },
            h('span', { class: 'question-text' }, q.text),
            h('small', { class: 'muted' }, ` @${q.authorHandle} · ${q.votes} votes · ${STATUS[q.status]}`),
          ),
        ),
      );
    })
    .catch(() => replace(list, h('li', { class: 'empty' }, 'The questions could not be loaded.')));
  return el;
}
