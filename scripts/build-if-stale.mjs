#!/usr/bin/env node
// `npm start` runs this first: it builds (npm run build: tsc + the web app) only when the
// build is missing or a source is newer than the last build, so a second start takes seconds
// instead of the whole TypeScript build. Sources: src/, web/src/, web/public/, the tsconfigs,
// package.json, package-lock.json and the web build script. The stamp is dist/.build-stamp,
// written after a successful build. `--print` says what it would do without building.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const outputs = ['dist/src/app/cli.js', 'web/dist/app.js'];
const sources = ['src', 'web/src', 'web/public', 'tsconfig.json', 'web/tsconfig.json', 'package.json'];
sources.push('package-lock.json', 'scripts/build-web.mjs');

/** the newest modification time (ms) under `path`, 0 if it does not exist */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function staleBecause() {
  const missing = outputs.find((o) => !existsSync(join(root, o)));
  if (missing) return `${missing} is missing`;
  if (!existsSync(stamp)) return 'no build stamp';
  const built = statSync(stamp).mtimeMs;
  const changed = sources.find((s) => newest(join(root, s)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

const reason = staleBecause();
if (process.argv.includes('--print')) {
  console.log(reason ? `stale: ${reason}` : 'up to date');
  process.exit(0);
}
if (!reason) process.exit(0);
console.log(`rostra: building (${reason}) …`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
