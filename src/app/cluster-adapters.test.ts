import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';
import { isClusterConfig } from './cluster-adapters.js';

test('no Redis and no PostgreSQL configured is the embedded default', () => {
  assert.equal(isClusterConfig(loadConfig({}, {})), false);
});

test('REDIS_URL and DATABASE_URL (or the flags) make a cluster node', () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://x@127.0.0.1/db' };
  assert.equal(isClusterConfig(loadConfig({}, env)), true);
  const flags = { '--redis-url': 'redis://r', '--database-url': 'postgres://p' };
  assert.equal(isClusterConfig(loadConfig(flags, {})), true);
});

test('only one of them is refused with a message naming both settings', () => {
  assert.throws(() => isClusterConfig(loadConfig({}, { REDIS_URL: 'redis://r' })), /REDIS_URL.*DATABASE_URL/);
  assert.throws(() => isClusterConfig(loadConfig({ '--database-url': 'postgres://p' }, {})), /REDIS_URL/);
});

test('cluster settings are validated at start', () => {
  assert.throws(() => loadConfig({ '--home-lease-ms': '10' }, {}), /--home-lease-ms/);
  assert.throws(() => loadConfig({ '--pg-schema': 'Bad-Name' }, {}), /--pg-schema/);
  assert.equal(loadConfig({ '--node-id': 'edge-1' }, {}).nodeId, 'edge-1');
});
