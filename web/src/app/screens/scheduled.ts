/**
 * A scheduled Space: when it starts and how many want a reminder. Its host can open the
 * backstage, edit the title, description and start time (PATCH /v1/spaces/:id) or cancel it
 * (the end_space action; a cancelled Space shows as ended, never started).
 */
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import type { EditSpaceRequest } from '../../../../src/protocol/api.js';
import { LIMITS } from '../../../../src/protocol/limits.js';
import { api } from '../api.js';
import { h, formatWhen, plural } from '../dom.js';
import { describe } from '../errors.js';
import { validateSpaceForm } from '../validate.js';
import { field, showErrors } from './form.js';
import { localInputValue } from './create.js';

export function scheduledView(
  snap: SpaceSnapshot,
  isHost: boolean,
  show: (s: SpaceSnapshot) => void,
): HTMLElement {
  const s = snap.space;
  const err = h('p', { class: 'error', role: 'alert', 'data-testid': 'space-error' });
  const open = h(
    'button',
    { type: 'button', class: 'primary big', 'data-testid': 'open-backstage' },
    'Open backstage',
  );
  open.addEventListener('click', () => {
    open.disabled = true;
    api
      .openSpace(s.id)
      .then(() => api.getSpace(s.id, true))
      .then(show)
      .catch((e: unknown) => {
        err.textContent = describe(e);
        open.disabled = false;
      });
  });
  const edit = h('button', { type: 'button', 'data-testid': 'edit-space' }, 'Edit');
  const cancel = h(
    'button',
    { type: 'button', class: 'danger', 'data-testid': 'cancel-space' },
    'Cancel Space',
  );
  const section = h(
    'section',
    { class: 'scheduled', 'data-testid': 'scheduled' },
    h('h1', {}, s.title),
    s.description ? h('p', { class: 'description' }, s.description) : null,
    h(
      'p',
      { 'data-testid': 'scheduled-when' },
      'Starts ',
      s.scheduledFor
        ? h('time', { dateTime: new Date(s.scheduledFor).toISOString() }, formatWhen(s.scheduledFor))
        : 'soon',
      ` · ${plural(s.reminderCount, 'reminder')} set`,
    ),
    isHost
      ? h('div', { class: 'row' }, open, edit, cancel)
      : h(
          'p',
          {},
          'Come back when it starts, or set a reminder in the ',
          h('a', { href: '#/' }, 'lobby'),
          '.',
        ),
    err,
  );
  edit.addEventListener('click', () => section.replaceWith(editForm(snap, show)));
  cancel.addEventListener('click', () => {
    if (!window.confirm('Cancel this Space? Everyone with a reminder sees it as cancelled.')) return;
    cancel.disabled = true;
    api
      .action(s.id, { type: 'end_space' })
      .then(() => api.getSpace(s.id, true))
      .then(show)
      .catch((e: unknown) => {
        err.textContent = describe(e);
        cancel.disabled = false;
      });
  });
  return section;
}

function editForm(snap: SpaceSnapshot, show: (s: SpaceSnapshot) => void): HTMLElement {
  const s = snap.space;
  const now = Date.now();
  const title = h('input', {
    name: 'title',
    type: 'text',
    required: true,
    value: s.title,
    maxLength: LIMITS.maxTitleLength + 20,
    'data-testid': 'title-input',
  });
  const description = h('textarea', {
    name: 'description',
    rows: 3,
    value: s.description,
    'data-testid': 'description-input',
  });
  const startAt = h('input', {
    name: 'startAt',
    type: 'datetime-local',
    required: true,
    value: s.scheduledFor ? localInputValue(s.scheduledFor) : '',
    min: localInputValue(now),
    max: localInputValue(now + LIMITS.maxScheduleAheadMs),
    'data-testid': 'start-input',
  });
  const formError = h('p', { class: 'error', role: 'alert', 'data-testid': 'form-error' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-space' }, 'Save changes');
  const back = h('button', { type: 'button', 'data-testid': 'edit-cancel' }, 'Keep as it was');
  const form = h(
    'form',
    { class: 'panel', noValidate: true, 'data-testid': 'edit-form' },
    h('h1', {}, 'Edit the Space'),
    field('Title', title),
    field('Description (optional)', description),
    field('Start time', startAt, 'Up to 14 days ahead.'),
    formError,
    h('div', { class: 'row' }, save, back),
  );
  back.addEventListener('click', () => show(snap));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const { errors, scheduledFor } = validateSpaceForm({
      title: title.value,
      description: description.value,
      startAt: startAt.value,
    });
    if (!startAt.value) errors.startAt = 'A scheduled Space needs a start time.';
    if (!showErrors(form, errors) || scheduledFor === null) return;
    const req: EditSpaceRequest = {
      title: title.value.trim(),
      description: description.value.trim(),
      scheduledFor,
    };
    save.disabled = true;
    api
      .editSpace(s.id, req)
      .then((space) => show({ ...snap, space }))
      .catch((e: unknown) => {
        formError.textContent = describe(e);
        save.disabled = false;
      });
  });
  queueMicrotask(() => title.focus());
  return form;
}
