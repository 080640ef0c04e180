import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS } from './errors.js';

test('every error code maps to a 4xx/5xx status and a 4xxx close code', () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(e.http >= 400 && e.http < 600, code);
    assert.ok(e.ws >= 4000 && e.ws < 5000, code);
    assert.match(code, /^[a-z_]+$/);
  }
});

test('docs/errors.md lists every code with its statuses', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(
      doc.includes(`| \`${code}\` | ${e.http} | ${e.ws} |`),
      `docs/errors.md is missing ${code}; run scripts/gen-errors-doc.ts`,
    );
  }
});
