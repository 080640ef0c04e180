/** Entry of the Rostra web app (bundled to web/dist/app.js by scripts/build-web.mjs). */
// web/src/app is the browser app, not the server's src/app composition root that the lint
// pattern '**/app/**' is meant to keep out of the web bundle
// eslint-disable-next-line no-restricted-imports
import { boot } from './app/boot.js';

boot();
