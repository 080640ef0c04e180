/**
 * The deployment files in deploy/ checked with the tools this machine has (no Docker engine
 * runs here, so the image is not built): the Dockerfile with the dockerfile-utils linter and
 * its parsed stages, the compose file with `docker-compose config` and its parsed services,
 * the systemd unit with `systemd-analyze verify`. The image's healthcheck command runs
 * against a real node. Which tool checks what: docs/operations.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import yaml from 'js-yaml';
import { freePort } from '../helpers/nginx-edge.js';
import { startTestServer } from '../helpers/server.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const deploy = join(root, 'deploy');
const dockerfileText = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);

/** the instructions of each stage, in order */
function stages(): Instruction[][] {
  const out: Instruction[][] = [];
  for (const ins of dockerfile.getInstructions()) {
    if (ins.getKeyword() === 'FROM') out.push([]);
    out.at(-1)?.push(ins);
  }
  return out;
}

/** an instruction's text after its keyword, flags included, continuation lines joined */
const args = (ins: Instruction) =>
  ins
    .getTextContent()
    .replace(/\\\n\s*/g, ' ')
    .replace(/^\s*\w+\s+/, '');
const keyword = (stage: Instruction[], k: string) => stage.filter((i) => i.getKeyword() === k);

test('the Dockerfile lints clean and builds in two stages', () => {
  assert.deepEqual(validate(dockerfileText), []);
  const all = stages();
  assert.equal(all.length, 2);
  assert.match(args(all[0]![0]!), /^node:20\S* AS build$/);
  assert.match(args(all[1]![0]!), /^node:20\S* AS runtime$/);
  // the build stage builds, then drops the dev dependencies the runtime does not need
  assert.ok(keyword(all[0]!, 'RUN').some((r) => /npm run build && npm prune --omit=dev/.test(args(r))));
});

test('the image runs as a non-root user and starts the rostra command under an init', () => {
  const runtime = stages()[1]!;
  const users = keyword(runtime, 'USER').map(args);
  assert.equal(users.length, 1);
  assert.doesNotMatch(users[0]!, /^(root|0)(:|$)/);
  const entry = JSON.parse(args(keyword(runtime, 'ENTRYPOINT')[0]!)) as string[];
  assert.deepEqual(entry.slice(-2), ['node', 'bin/rostra.js']);
  assert.ok(existsSync(join(root, 'bin/rostra.js')));
  assert.deepEqual(JSON.parse(args(keyword(runtime, 'CMD')[0]!)), ['start']);
});

test('every file the Dockerfile copies exists and is not left out by .dockerignore', () => {
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // what the host's build leaves in the tree must not leak into the image
  for (const built of ['node_modules', 'dist', 'web/dist']) assert.ok(ignored.includes(built), built);
  const [build, runtime] = stages();
  const copiedIn: string[] = [];
  for (const copy of keyword(build!, 'COPY')) {
    const parts = args(copy).split(/\s+/);
    for (const src of parts.slice(0, -1)) {
      assert.ok(existsSync(join(root, src)), `COPY ${src}: not in the repository`);
      assert.ok(!ignored.includes(src), `COPY ${src}: excluded by .dockerignore`);
      copiedIn.push(src);
    }
  }
  // the runtime stage takes only sources copied into the build stage or what the build makes
  const made = ['node_modules', 'dist', 'web/dist'];
  for (const copy of keyword(runtime!, 'COPY')) {
    const m = /--from=build .*?\/src\/(\S+) /.exec(args(copy));
    assert.ok(m, `runtime COPY ${args(copy)} must come from the build stage`);
    assert.ok(copiedIn.includes(m[1]!) || made.includes(m[1]!), `runtime COPY of ${m[1]}`);
  }
});

test("the image's healthcheck passes against a serving node and fails when none listens", async () => {
  const healthcheck = args(keyword(stages()[1]!, 'HEALTHCHECK')[0]!);
  const cmd = JSON.parse(/CMD (\[.*\])$/.exec(healthcheck)![1]!) as string[];
  assert.equal(cmd[0], 'node');
  const server = await startTestServer();
  try {
    const port = new URL(server.url).port;
    const ok = await run(process.execPath, cmd.slice(1), { env: { ...process.env, ROSTRA_PORT: port } });
    assert.equal(ok.stderr, '');
  } finally {
    await server.stop();
  }
  const nobody = String(await freePort());
  await assert.rejects(
    run(process.execPath, cmd.slice(1), { env: { ...process.env, ROSTRA_PORT: nobody } }),
    (err: { code?: number }) => err.code === 1,
  );
});

interface ComposeService {
  environment?: Record<string, string>;
  volumes?: (string | { source: string; target: string })[];
  command?: string[];
}

const composeFile = join(deploy, 'compose/compose.yaml');

test('docker-compose accepts the cluster file and refuses it without a token secret', async () => {
  const env = { ...process.env, ROSTRA_TOKEN_SECRET: 'test-secret' };
  const { stdout } = await run('docker-compose', ['-f', composeFile, 'config'], { env });
  const services = (yaml.load(stdout) as { services: Record<string, ComposeService> }).services;
  assert.deepEqual(Object.keys(services).sort(), ['nginx', 'node1', 'node2', 'node3', 'postgres', 'redis']);
  const nodes = ['node1', 'node2', 'node3'].map((n) => services[n]!);
  const ids = new Set(nodes.map((n) => n.environment?.ROSTRA_NODE_ID));
  const urls = new Set(nodes.map((n) => n.environment?.ROSTRA_PUBLIC_URL));
  assert.equal(ids.size, 3);
  assert.equal(urls.size, 3);
  for (const node of nodes) {
    const e = node.environment ?? {};
    assert.equal(e.ROSTRA_TOKEN_SECRET, 'test-secret');
    assert.match(e.REDIS_URL ?? '', /^redis:\/\/redis:/);
    assert.match(e.DATABASE_URL ?? '', /^postgres:\/\/.*@postgres:/);
    // every node writes to and serves replays from the same volume
    const mounts = (node.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    assert.ok(
      mounts.some((m) => m.startsWith(`recordings:${e.ROSTRA_RECORDINGS_DIR}`)),
      mounts.join(),
    );
  }
  const { ROSTRA_TOKEN_SECRET: _unset, ...without } = process.env;
  await assert.rejects(
    run('docker-compose', ['-f', composeFile, 'config', '-q'], { env: without }),
    (err: { stderr?: string }) => /ROSTRA_TOKEN_SECRET/.test(err.stderr ?? ''),
  );
});

test("the compose file's nginx points the shipped cache config at the three nodes", async () => {
  const nginx = (yaml.load(readFileSync(composeFile, 'utf8')) as { services: Record<string, ComposeService> })
    .services.nginx!;
  const script = nginx.command?.at(-1) ?? '';
  const sedExpr = /sed -e '([^']+)'/.exec(script)?.[1];
  assert.ok(sedExpr, script);
  const { stdout } = await run('sed', ['-e', sedExpr, join(deploy, 'nginx/rostra-cache.conf')]);
  assert.match(
    stdout,
    /upstream rostra_origin \{\s+server node1:8080; server node2:8080; server node3:8080;/,
  );
  assert.doesNotMatch(stdout, /127\.0\.0\.1:8080/);
});

test('systemd-analyze verifies the unit, which grants CAP_SYS_NICE and nothing more', async () => {
  const unit = join(deploy, 'systemd/rostra.service');
  const { stdout, stderr } = await run('systemd-analyze', ['verify', unit]);
  // unknown or misspelt keys are only warnings: the check is that nothing was said at all
  assert.equal(stdout + stderr, '');
  const text = readFileSync(unit, 'utf8');
  assert.match(text, /^AmbientCapabilities=CAP_SYS_NICE$/m);
  assert.match(text, /^CapabilityBoundingSet=CAP_SYS_NICE$/m);
  assert.match(text, /^LimitNOFILE=20000$/m);
  assert.match(text, /^User=rostra$/m);
});
