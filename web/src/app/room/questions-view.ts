/**
 * Questions for everyone in the room: the question being answered now, the top questions by
 * votes (from the snapshot and the `questions` bulletins, never polled), an upvote button per
 * question and, for signed-in people, a box to ask one. Posting and voting go over HTTP, so
 * they work on every tier and before Play. Question text is set with textContent: whatever
 * someone typed is shown as text, never parsed as HTML.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import { QUESTION_LIMITS, type Question, type QuestionBoard } from '../../../../src/protocol/questions.js';
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { describe } from '../errors.js';
import { getSession } from '../session.js';
import type { RoomActions } from './actions.js';

export function questionsView(
  spaceId: SpaceId,
  notify: RoomActions['notify'],
): { el: HTMLElement; render: (board: QuestionBoard) => void } {
  /** questions I upvoted in this page's life (the server ignores a second vote anyway) */
  const voted = new Set<string>();
  const now = h('p', { class: 'now-answering', 'data-testid': 'now-answering', 'aria-live': 'polite' });
  const list = h('ol', { class: 'question-list', 'data-testid': 'question-list' });
  const summary = h('p', { class: 'muted small', 'data-testid': 'question-summary' });
  const input = h('input', {
    name: 'question',
    type: 'text',
    maxLength: QUESTION_LIMITS.maxLength,
    placeholder: 'Ask the stage a question',
    autocomplete: 'off',
    'aria-label': 'Your question',
    'data-testid': 'ask-input',
  });
  const submit = h('button', { type: 'submit', 'data-testid': 'ask-submit' }, 'Ask');
  const form = h('form', { class: 'row ask-form', 'data-testid': 'ask-form' }, input, submit);
  const note = h('p', { class: 'muted small', 'data-testid': 'ask-note' });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) {
      notify('Type a question first.', 'error');
      input.focus();
      return;
    }
    submit.disabled = true;
    api
      .ask(spaceId, text)
      .then(() => {
        input.value = '';
        notify('Question sent. It shows up here in a moment.', 'info');
      })
      .catch((err: unknown) => notify(describe(err), 'error'))
      .finally(() => (submit.disabled = false));
  });

  const upvote = (q: Question, btn: HTMLButtonElement): void => {
    btn.disabled = true;
    api
      .upvote(spaceId, q.id)
      .then(() => {
        voted.add(q.id);
        btn.setAttribute('aria-pressed', 'true');
      })
      .catch((err: unknown) => {
        btn.disabled = false;
        notify(describe(err), 'error');
      });
  };

  const item = (q: Question, mine: boolean): HTMLElement => {
    const btn = h(
      'button',
      {
        type: 'button',
        class: 'small upvote',
        'data-testid': 'upvote',
        'aria-label': `Upvote (${q.votes} votes)`,
        'aria-pressed': String(voted.has(q.id)),
      },
      `▲ ${q.votes}`,
    );
    btn.disabled = mine || voted.has(q.id) || !getSession();
    btn.addEventListener('click', () => upvote(q, btn));
    return h(
      'li',
      { 'data-testid': 'question', 'data-question-id': q.id },
      btn,
      h('span', { class: 'question-text', 'data-testid': 'question-text' }, q.text),
      h('small', { class: 'muted' }, ` @${q.authorHandle}`),
    );
  };

  const el = h(
    'section',
    { class: 'panel questions', 'aria-label': 'Questions', 'data-testid': 'questions' },
    h('h2', {}, 'Questions'),
    now,
    list,
    summary,
    form,
    note,
  );

  let shown: QuestionBoard | null = null;
  const render = (board: QuestionBoard): void => {
    // the room re-renders on every level update; rebuild only when the board itself changed
    if (board === shown) return;
    shown = board;
    const me = getSession()?.user.id ?? null;
    now.hidden = board.nowAnswering === null;
    if (board.nowAnswering) {
      replace(
        now,
        h('strong', {}, 'Now answering: '),
        h('span', { 'data-testid': 'now-answering-text' }, board.nowAnswering.text),
        h('small', { class: 'muted' }, ` @${board.nowAnswering.authorHandle}`),
      );
    }
    if (board.top.length === 0) replace(list, h('li', { class: 'empty' }, 'No open questions yet.'));
    else replace(list, ...board.top.map((q) => item(q, q.authorId === me)));
    const more = board.open > board.top.length ? ` (top ${board.top.length} shown)` : '';
    summary.textContent = `${board.open} open${more} · ${board.answered} answered`;
    const signedIn = me !== null;
    form.hidden = !board.enabled || !signedIn;
    note.textContent = !board.enabled
      ? 'Questions are switched off in this Space.'
      : !signedIn
        ? 'Sign in to ask a question.'
        : board.slowModeMs > 0
          ? `Slow mode: one question every ${Math.round(board.slowModeMs / 1000)} s.`
          : '';
    note.hidden = note.textContent === '';
  };
  return { el, render };
}
