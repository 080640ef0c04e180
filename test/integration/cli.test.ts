/** The `rostra` command: help, configuration errors, and `rostra token` for an existing account. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { api, signUp, startTestServer } from '../helpers/server.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'src', 'app', 'cli.ts');
const rostra = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ROSTRA_LOG_LEVEL: 'silent' },
  });

test('rostra --help lists the commands and every setting with what it does', async () => {
  const { stdout } = await rostra('--help');
  for (const word of [
    'rostra start',
    'rostra token',
    'rostra load',
    '--data-dir',
    'ROSTRA_PORT',
    'REDIS_URL',
  ]) {
    assert.ok(stdout.includes(word), `help mentions ${word}`);
  }
  // every setting with what it does, under its flag
  assert.match(
    stdout,
    /--host-grace-ms +ROSTRA_HOST_GRACE_MS +default 30000\n +how long the host may be gone/,
  );
  for (const line of stdout.split('\n').filter((l) => /^ {2}--/.test(l))) {
    const next = stdout.split('\n')[stdout.split('\n').indexOf(line) + 1] ?? '';
    assert.match(next, /^ {6}\S/, `a description under ${line.trim()}`);
  }
});

test('a bad setting stops rostra start with a message naming it', async () => {
  await assert.rejects(rostra('start', '--port', 'not-a-port'), (e: { stderr: string; code: number }) => {
    assert.match(e.stderr, /--port/);
    assert.equal(e.code, 1);
    return true;
  });
});

test('rostra token mints a token the server accepts, with the grants asked for', async () => {
  const server = await startTestServer();
  try {
    const user = await signUp(server.url, 'cli');
    const { stdout } = await rostra(
      'token',
      '--handle',
      user.handle,
      '--grants',
      'listen',
      '--data-dir',
      server.dataDir,
    );
    const me = await api(server.url, 'GET', '/v1/me', { token: stdout.trim() });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, user.id);
    assert.deepEqual(me.body.grants, ['listen']);
    await assert.rejects(
      rostra('token', '--handle', 'nobody_at_all', '--data-dir', server.dataDir),
      /no account/,
    );
    await assert.rejects(
      rostra('token', '--handle', user.handle, '--grants', 'root', '--data-dir', server.dataDir),
      /unknown grant/,
    );
  } finally {
    await server.stop();
  }
});
