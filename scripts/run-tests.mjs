#!/usr/bin/env node
// Runs one test tier with node's test runner: `node scripts/run-tests.mjs unit|integration|e2e`.
// Node 20's --test takes no globs, so this script finds the files by name.
//   unit:        src/**/*.test.ts          (next to the code)
//   integration: test/integration/**/*.test.ts (real server in-process)
//   e2e:         test/e2e/**/*.test.ts     (real browser against a real server)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const tiers = { unit: 'src', integration: 'test/integration', e2e: 'test/e2e', bench: 'bench' };
const tier = process.argv[2];
if (!tier || !(tier in tiers)) {
  console.error(`usage: run-tests.mjs ${Object.keys(tiers).join('|')} [filter]`);
  process.exit(2);
}
const filter = process.argv[3];

function walk(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(walk(path));
    else if (name.endsWith('.test.ts') && (!filter || path.includes(filter))) out.push(path);
  }
  return out;
}

const files = walk(tiers[tier]).sort();
if (files.length === 0) {
  console.log(`no ${tier} tests found`);
  process.exit(0);
}
const concurrency = tier === 'unit' ? [] : ['--test-concurrency=1'];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...concurrency, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
