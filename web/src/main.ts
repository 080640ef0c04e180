/** Entry of the Rostra web app (bundled to web/dist/app.js by scripts/build-web.mjs). */
import { boot } from './app/boot.js';

boot();
