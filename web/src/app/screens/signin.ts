/**
 * Sign in / sign up with handle + password. On success the token is stored (session.ts) and
 * the app returns to where it came from (`#/signin?next=/space/x`) or the lobby.
 */
import { LIMITS } from '../../../../src/protocol/limits.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { describe } from '../errors.js';
import { saveSession } from '../session.js';
import { navigate } from '../router.js';
import { validateCredentials } from '../validate.js';
import { field, showErrors } from './form.js';

export function signInScreen(root: HTMLElement, mode: 'signin' | 'signup'): void {
  const isUp = mode === 'signup';
  const handle = h('input', {
    name: 'handle',
    type: 'text',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: false,
    required: true,
    maxLength: 32,
    'data-testid': 'handle-input',
  });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: isUp ? 'new-password' : 'current-password',
    required: true,
    maxLength: LIMITS.maxPasswordLength,
    'data-testid': 'password-input',
  });
  const formError = h('p', { class: 'error', role: 'alert', 'data-testid': 'form-error' });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'auth-submit' },
    isUp ? 'Create account' : 'Sign in',
  );
  const form = h(
    'form',
    { class: 'panel narrow', noValidate: true, 'data-testid': isUp ? 'signup-form' : 'signin-form' },
    field('Handle', handle, isUp ? '3–32 characters: lowercase letters, digits or _' : undefined),
    field('Password', password, isUp ? `At least ${LIMITS.minPasswordLength} characters` : undefined),
    formError,
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const req = { handle: handle.value.trim().toLowerCase(), password: password.value };
    if (!showErrors(form, validateCredentials(req.handle, req.password))) return;
    submit.disabled = true;
    (isUp ? api.signUp(req) : api.signIn(req))
      .then((auth) => {
        saveSession(auth);
        navigate(nextPath());
      })
      .catch((err: unknown) => {
        formError.textContent = describe(err);
        submit.disabled = false;
      });
  });
  root.append(
    h('h1', {}, isUp ? 'Create an account' : 'Sign in'),
    form,
    h(
      'p',
      { class: 'switch' },
      isUp ? 'Already have an account? ' : 'New here? ',
      h(
        'a',
        { href: isUp ? '#/signin' : '#/signup', 'data-testid': isUp ? 'to-signin' : 'to-signup' },
        isUp ? 'Sign in' : 'Create an account',
      ),
    ),
  );
}

function nextPath(): string {
  const q = location.hash.split('?')[1] ?? '';
  const next = new URLSearchParams(q).get('next');
  return next && next.startsWith('/') ? next : '/';
}
