#!/usr/bin/env node
// The `rostra` command. Runs the compiled CLI (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/src/app/cli.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('rostra: not built yet; run `npm run build` (or `npm start`) first');
  process.exit(1);
}
await import(compiled);
