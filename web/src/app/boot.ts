/** Boots the app: header + hash router over the screens (called once by main.ts). */
import { mountHeader } from './header.js';
import { Router } from './router.js';
import { lobbyScreen } from './screens/lobby.js';
import { signInScreen } from './screens/signin.js';
import { createScreen } from './screens/create.js';
import { spaceScreen } from './screens/space.js';
import { notFoundScreen } from './screens/not-found.js';

export function boot(): void {
  const header = document.getElementById('top');
  const main = document.getElementById('main');
  if (!header || !main) throw new Error('index.html must have #top and #main');
  mountHeader(header);
  // "Skip to content" moves focus to the page; as a plain #main link the hash router took it
  // for a route and showed "Page not found"
  document.querySelector('a.skip')?.addEventListener('click', (ev) => {
    ev.preventDefault();
    main.focus();
  });
  new Router(main, notFoundScreen)
    .add('/', lobbyScreen)
    .add('/signin', (root) => signInScreen(root, 'signin'))
    .add('/signup', (root) => signInScreen(root, 'signup'))
    .add('/new', createScreen)
    .add('/space/:id', spaceScreen)
    .start();
}
