// Regenerates the table in docs/errors.md from the catalog in src/protocol/errors.ts:
//   node --import tsx scripts/gen-errors-doc.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { ERRORS } from '../src/protocol/errors.js';

export function errorTable(): string {
  const rows = Object.entries(ERRORS).map(
    ([code, e]) => `| \`${code}\` | ${e.http} | ${e.ws} | ${e.message} |`,
  );
  return ['| code | HTTP status | WebSocket close code | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

const BEGIN = '<!-- errors:begin -->';
const END = '<!-- errors:end -->';

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = 'docs/errors.md';
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`${path} lacks the ${BEGIN} / ${END} markers`);
  writeFileSync(path, doc.slice(0, start + BEGIN.length) + '\n' + errorTable() + '\n' + doc.slice(end));
  console.log(`wrote ${path}`);
}
