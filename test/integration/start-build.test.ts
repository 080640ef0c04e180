/**
 * `npm start` builds only when it must (scripts/build-if-stale.mjs): a missing build or a
 * source newer than the last build's stamp rebuilds, otherwise the server starts at once. Run
 * on a copy of the script in a scratch tree with `--print` (no real build).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));

void test('npm start rebuilds when the build is missing or a source changed, and not otherwise', () => {
  const root = mkdtempSync(join(tmpdir(), 'rostra-start-'));
  try {
    for (const d of ['scripts', 'src/app', 'web/src', 'web/public', 'dist/src/app', 'web/dist']) {
      mkdirSync(join(root, d), { recursive: true });
    }
    copyFileSync(script, join(root, 'scripts/build-if-stale.mjs'));
    const print = (): string =>
      execFileSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs'), '--print'], {
        encoding: 'utf8',
      }).trim();
    const past = new Date(Date.now() - 60_000);
    writeFileSync(join(root, 'src/app/cli.ts'), '');
    utimesSync(join(root, 'src/app/cli.ts'), past, past);
    assert.match(print(), /^stale: dist\/src\/app\/cli\.js is missing/);
    writeFileSync(join(root, 'dist/src/app/cli.js'), '');
    writeFileSync(join(root, 'web/dist/app.js'), '');
    assert.equal(print(), 'stale: no build stamp');
    writeFileSync(join(root, 'dist/.build-stamp'), 'now');
    assert.equal(print(), 'up to date');
    const later = new Date(Date.now() + 5_000);
    writeFileSync(join(root, 'web/src/main.ts'), '');
    utimesSync(join(root, 'web/src/main.ts'), later, later);
    assert.equal(print(), 'stale: web/src changed since the last build');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
