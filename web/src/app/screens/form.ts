/** Shared form bits: a labelled field with an error slot, and painting errors onto fields. */
import { h } from '../dom.js';
import type { FieldErrors } from '../validate.js';

export function field(
  label: string,
  input: HTMLInputElement | HTMLTextAreaElement,
  hint?: string,
): HTMLElement {
  const id = input.id || `f-${input.name}`;
  input.id = id;
  const err = h('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${input.name}-error` });
  const describedBy = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  // an error says what was wrong with what you typed: it goes once you change it
  input.addEventListener('input', () => {
    if (!err.textContent) return;
    err.textContent = '';
    input.setAttribute('aria-invalid', 'false');
  });
  return h(
    'div',
    { class: 'field' },
    h('label', { htmlFor: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    err,
  );
}

/** Writes each field's error (or clears it) and focuses the first invalid field. */
export function showErrors(form: HTMLFormElement, errors: FieldErrors): boolean {
  let first: HTMLElement | null = null;
  for (const input of Array.from(form.querySelectorAll<HTMLInputElement>('input[name], textarea[name]'))) {
    const msg = errors[input.name];
    const slot = form.querySelector(`#${input.id}-error`);
    if (slot) slot.textContent = msg ?? '';
    input.setAttribute('aria-invalid', msg ? 'true' : 'false');
    if (msg && !first) first = input;
  }
  first?.focus();
  return first === null;
}
