/**
 * Create or schedule a Space: title, description, optional start time (≤ 14 days ahead),
 * anonymous listeners allowed, recording. Starting now opens the backstage of the new Space.
 */
import { LIMITS } from '../../../../src/protocol/limits.js';
import type { CreateSpaceRequest } from '../../../../src/protocol/api.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { describe } from '../errors.js';
import { getSession } from '../session.js';
import { navigate } from '../router.js';
import { validateSpaceForm } from '../validate.js';
import { field, showErrors } from './form.js';

/** value for a datetime-local input (local time, minutes) */
export function localInputValue(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function createScreen(root: HTMLElement): void {
  if (!getSession()) {
    root.append(
      h('h1', {}, 'New Space'),
      h(
        'p',
        {},
        'You need an account to host a Space. ',
        h('a', { href: '#/signin?next=/new', 'data-testid': 'create-signin' }, 'Sign in'),
        '.',
      ),
    );
    return;
  }
  const now = Date.now();
  const title = h('input', {
    name: 'title',
    type: 'text',
    required: true,
    maxLength: LIMITS.maxTitleLength + 20,
    'data-testid': 'title-input',
  });
  const description = h('textarea', { name: 'description', rows: 3, 'data-testid': 'description-input' });
  const startAt = h('input', {
    name: 'startAt',
    type: 'datetime-local',
    min: localInputValue(now),
    max: localInputValue(now + LIMITS.maxScheduleAheadMs),
    'data-testid': 'start-input',
  });
  const anon = h('input', {
    name: 'allowAnonymous',
    type: 'checkbox',
    checked: true,
    'data-testid': 'anon-input',
  });
  const rec = h('input', {
    name: 'recording',
    type: 'checkbox',
    checked: true,
    'data-testid': 'record-input',
  });
  const formError = h('p', { class: 'error', role: 'alert', 'data-testid': 'form-error' });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'create-submit' },
    'Create Space',
  );
  const form = h(
    'form',
    { class: 'panel', noValidate: true, 'data-testid': 'create-form' },
    field('Title', title),
    field('Description (optional)', description),
    field('Start time (optional)', startAt, 'Leave empty to open the backstage now; up to 14 days ahead.'),
    h('label', { class: 'check' }, anon, ' Anyone can listen without an account'),
    h('label', { class: 'check' }, rec, ' Record this Space'),
    formError,
    submit,
  );
  startAt.addEventListener('input', () => {
    submit.textContent = startAt.value ? 'Schedule Space' : 'Create Space';
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const { errors, scheduledFor } = validateSpaceForm({
      title: title.value,
      description: description.value,
      startAt: startAt.value,
    });
    if (!showErrors(form, errors)) return;
    const req: CreateSpaceRequest = {
      title: title.value.trim(),
      description: description.value.trim(),
      allowAnonymous: anon.checked,
      recording: rec.checked,
    };
    if (scheduledFor !== null) req.scheduledFor = scheduledFor;
    submit.disabled = true;
    api
      .createSpace(req)
      .then((space) => navigate(scheduledFor === null ? `/space/${encodeURIComponent(space.id)}` : '/'))
      .catch((err: unknown) => {
        formError.textContent = describe(err);
        submit.disabled = false;
      });
  });
  root.append(h('h1', {}, 'New Space'), form);
}
