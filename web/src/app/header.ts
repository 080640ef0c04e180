/** The top bar: brand, "New Space", and the signed-in handle with Sign out (or Sign in). */
import { h, replace } from './dom.js';
import { clearSession, getSession, onSessionChange } from './session.js';
import { navigate } from './router.js';

export function mountHeader(el: HTMLElement): void {
  const render = (): void => {
    const s = getSession();
    replace(
      el,
      h(
        'a',
        { href: '#/', class: 'brand' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
        'Rostra',
      ),
      h(
        'nav',
        { 'aria-label': 'Account' },
        h('a', { href: '#/new', class: 'button primary small', 'data-testid': 'nav-new' }, 'New Space'),
        s
          ? h(
              'span',
              { class: 'account' },
              h('span', { class: 'handle', 'data-testid': 'nav-handle' }, `@${s.user.handle}`),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'data-testid': 'sign-out',
                  onclick: () => {
                    clearSession();
                    navigate('/');
                  },
                },
                'Sign out',
              ),
            )
          : h('a', { href: '#/signin', 'data-testid': 'nav-signin' }, 'Sign in'),
      ),
    );
  };
  onSessionChange(render);
  render();
}
