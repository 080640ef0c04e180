import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asNodeId } from '../protocol/ids.js';
import { silentLogger } from '../core/log.js';
import { MemoryBroker } from '../adapters/bus-memory/index.js';
import { FakeClock } from '../core/space/testing/fake-clock.js';
import { Directory } from './directory.js';
import { encodeJson } from './codec.js';
import { topics } from './topics.js';

test('a drain prefers nodes heard within the last beat over one that just went silent', async () => {
  const broker = new MemoryBroker();
  const clock = new FakeClock(1_000_000);
  const directory = new Directory(broker.connect('a'), asNodeId('a'), clock, silentLogger);
  await directory.start('http://a');
  const other = broker.connect('others');
  const beat = (node: string) =>
    other.publish(
      topics.directory,
      encodeJson({ t: 'node', node: asNodeId(node), url: `http://${node}`, draining: false }),
    );

  await beat('killed');
  await beat('alive');
  await broker.idle();
  assert.deepEqual(
    directory
      .others()
      .map((n) => n.node)
      .sort(),
    ['alive', 'killed'],
  );

  clock.advance(2_000); // 'killed' is silent from now on; 'alive' keeps beating
  await beat('alive');
  await broker.idle();
  assert.deepEqual(
    directory.others().map((n) => n.node),
    ['alive'],
    'the silent node is not chosen',
  );

  clock.advance(1_600); // nobody fresh: the expiry window still offers 'alive'
  assert.deepEqual(
    directory.others().map((n) => n.node),
    ['alive'],
  );
  await directory.close();
  await broker.close();
});
