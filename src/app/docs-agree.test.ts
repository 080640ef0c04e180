/**
 * The documentation states facts the code decides: setting names, HTTP routes, stage command
 * bodies, error codes. Each is checked here against the code (as docs/errors.md is checked in
 * src/protocol/errors.test.ts), so a rename on either side fails a test instead of drifting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { configHelp, settingNames } from './config.js';
import { ERRORS } from '../protocol/errors.js';
import { stageClientSchema } from '../control/validation/schemas.js';
import { createHttpApp } from '../control/http/app.js';
import type { ControlDeps } from '../control/ports.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const docFiles = ['README.md', ...readdirSync(new URL('docs/', root)).map((f) => `docs/${f}`)];
const allDocs = docFiles.filter((f) => f.endsWith('.md')).map((f) => ({ file: f, text: read(f) }));

/** the rows of the markdown table whose header row starts with `| first |` */
function tableRows(text: string, first: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  assert.ok(at >= 0, `a table starting with "| ${first} |"`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}
const codes = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

void test("the README's settings table names exactly the settings the server reads, as --help prints them", () => {
  const documented = new Set<string>();
  for (const [flags = '', envs = ''] of tableRows(read('README.md'), 'flag')) {
    const f = codes(flags);
    const e = codes(envs);
    assert.equal(f.length, e.length, `one environment variable per flag: ${flags} / ${envs}`);
    f.forEach((flag, i) => documented.add(`${flag} ${e[i]}`));
  }
  const actual = new Set(settingNames().map((s) => `${s.flag} ${s.env}`));
  assert.deepEqual(
    [...documented].filter((d) => !actual.has(d)),
    [],
    'documented settings the server does not read',
  );
  assert.deepEqual(
    [...actual].filter((a) => !documented.has(a)),
    [],
    'settings missing from the README table',
  );
  const help = configHelp();
  for (const s of settingNames())
    assert.match(help, new RegExp(`${s.flag}\\s+${s.env}\\s`), `--help lists ${s.flag}`);
});

/** variables the deploy files define for themselves (compose's ${ROSTRA_PUBLIC_HOST:-…}) */
function deployVariables(dir = new URL('deploy/', root)): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory()) names.push(...deployVariables(url));
    else
      for (const m of readFileSync(url, 'utf8').matchAll(/\$\{(ROSTRA_[A-Z0-9_]+)/g)) names.push(m[1] ?? '');
  }
  return names;
}

void test("every ROSTRA_* variable the docs name is a setting (or a deploy file's own variable)", () => {
  const envs = new Set([...settingNames().map((s) => s.env), ...deployVariables()]);
  for (const { file, text } of allDocs) {
    for (const m of text.matchAll(/\bROSTRA_[A-Z0-9_]+/g)) assert.ok(envs.has(m[0]), `${file} names ${m[0]}`);
  }
});

/** "METHOD /path" for every route of the real HTTP app (HEAD, added by fastify for GET, left out) */
async function appRoutes(): Promise<Set<string>> {
  const noop = (): void => undefined;
  const log = { info: noop, warn: noop, error: noop, debug: noop, child: () => log };
  const deps = {
    // only what createHttpApp reads while registering routes; no handler runs
    limits: { apiPerSecond: 1, apiBurst: 1, authPerMinute: 60 },
    net: { trusted: { trusts: () => false }, requestTimeoutMs: 10_000, tcp: { acquire: () => noop } },
    log,
    media: {},
    recordings: {},
    webRoot: '',
  } as unknown as ControlDeps;
  const app = await createHttpApp(deps);
  const tree = app.printRoutes({ commonPrefix: false });
  await app.close();
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│\s]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    for (const method of (m[3] ?? '').split(', '))
      if (method !== 'HEAD') routes.add(`${method} ${stack.join('')}`);
  }
  return routes;
}

void test("docs/protocol.md's HTTP API table lists exactly the server's routes", async () => {
  const documented = new Set<string>();
  for (const [cell = ''] of tableRows(read('docs/protocol.md'), 'method and path')) {
    const words = cell.replace(/`/g, '').split(/[\s/]+(?=[A-Z]+\b|\/)|\s+/);
    const path = /\/\S+/.exec(cell.replace(/`/g, ''))?.[0].replace(/\?.*$/, '') ?? '';
    const methods = words.filter((w) => /^(GET|POST|PUT|DELETE|PATCH)$/.test(w));
    assert.ok(path && methods.length > 0, `a method and a path in "${cell}"`);
    for (const method of methods) documented.add(`${method} ${path}`);
  }
  const actual = await appRoutes();
  assert.deepEqual(
    [...documented].filter((d) => !actual.has(d)),
    [],
    'documented routes the server does not have',
  );
  assert.deepEqual(
    [...actual].filter((a) => !documented.has(a)),
    [],
    'routes missing from docs/protocol.md',
  );
});

void test('docs/protocol.md lists every stage command with a body the server accepts', () => {
  const doc = read('docs/protocol.md');
  const table = doc.slice(
    doc.indexOf('<!-- stage-commands:begin -->'),
    doc.indexOf('<!-- stage-commands:end -->'),
  );
  const documented = new Map<string, Record<string, unknown>>();
  for (const [name = '', body = ''] of tableRows(table, 'command')) {
    const json = JSON.parse(codes(body)[0] ?? '') as Record<string, unknown>;
    assert.equal(json.type, codes(name)[0], `the body of ${name} has its type`);
    if (json.userId === '…') json.userId = 'u1234567890a';
    const parsed = stageClientSchema.safeParse(json);
    assert.ok(parsed.success, `the server accepts the documented body ${body}`);
    documented.set(String(json.type), json);
  }
  for (const option of stageClientSchema.options) {
    const type = String(option.shape.type.value);
    const fields = Object.keys(option.shape).filter((k) => k !== 'type' && k !== 'ref');
    const body = documented.get(type);
    assert.ok(body, `docs/protocol.md lists ${type}`);
    assert.deepEqual(
      Object.keys(body)
        .filter((k) => k !== 'type')
        .sort(),
      fields.sort(),
      `fields of ${type}`,
    );
  }
  assert.equal(documented.size, stageClientSchema.options.length, 'no command the server does not know');
});

void test('every error code the docs give with a status is in the catalog with that status', () => {
  const problems: string[] = [];
  for (const { file, text } of allDocs) {
    // "409 `space_ended`", "answers 404 `not_found`", a table row "| 403 | `media_token_invalid` |"
    for (const m of text.matchAll(/\b([1-5]\d\d)\b(?:\s*\|)?\s*`([a-z][a-z0-9_]*)`/g)) {
      const [, status, code = ''] = m;
      const entry = (ERRORS as Record<string, { http: number; ws: number } | undefined>)[code];
      if (!entry) problems.push(`${file}: ${status} \`${code}\` is not a catalog code`);
      else if (entry.http !== Number(status) && entry.ws !== Number(status))
        problems.push(`${file}: ${status} \`${code}\`, the catalog says ${entry.http} / ${entry.ws}`);
    }
  }
  assert.deepEqual(problems, []);
});
