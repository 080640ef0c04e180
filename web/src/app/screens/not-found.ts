import { h } from '../dom.js';

export function notFoundScreen(root: HTMLElement): void {
  root.append(
    h('h1', {}, 'Page not found'),
    h('p', {}, h('a', { href: '#/', 'data-testid': 'home-link' }, 'Back to the lobby')),
  );
}
