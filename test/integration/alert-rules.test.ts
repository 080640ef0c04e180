/**
 * The Prometheus alert rules and the Grafana dashboard in deploy/: promtool checks the rules
 * and runs their unit tests (alerts fire on the series they should), and every metric the
 * rules and the dashboard name is one a real node serves on /metrics, so a renamed metric
 * cannot leave an alert that never fires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { api, startTestServer } from '../helpers/server.js';

const run = promisify(execFile);
const dir = join(import.meta.dirname, '../../deploy');
const rulesFile = join(dir, 'prometheus/rostra-alerts.yml');

test('promtool accepts the alert rules and their unit tests pass', async () => {
  const checked = await run('promtool', ['check', 'rules', rulesFile]);
  assert.match(checked.stdout, /SUCCESS: \d+ rules found/);
  const tested = await run('promtool', ['test', 'rules', join(dir, 'prometheus/rostra-alerts.test.yml')]);
  assert.match(tested.stdout, /SUCCESS/);
});

/** metric names in a PromQL expression: identifiers that start with rostra_ */
const namesIn = (expr: string) => [...expr.matchAll(/\brostra_[a-z0-9_]+/g)].map((m) => m[0]);

test('every metric the alert rules and the dashboard use is served by a node', async () => {
  const rules = yaml.load(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  const dashboard = JSON.parse(readFileSync(join(dir, 'grafana/rostra-dashboard.json'), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  const used = new Set([
    ...rules.groups.flatMap((g) => g.rules.flatMap((r) => namesIn(r.expr))),
    ...dashboard.panels.flatMap((p) => p.targets.flatMap((t) => namesIn(t.expr))),
  ]);
  const server = await startTestServer();
  try {
    const text = (await api<string>(server.url, 'GET', '/metrics')).body;
    const served = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
    const missing = [...used].filter((name) => !served.has(name));
    assert.deepEqual(missing, [], `used but not served: ${missing.join(', ')}`);
    assert.ok(used.size >= 10, `${used.size} metrics used`);
  } finally {
    await server.stop();
  }
});
