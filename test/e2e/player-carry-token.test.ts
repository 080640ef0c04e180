import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carryToken } from '../../web/src/player/carry-token.js';

test('a switch to another node keeps the listener token', () => {
  assert.equal(
    carryToken('ws://a:1/v1/spaces/s/listen?token=T', 'ws://b:2/v1/spaces/s/listen'),
    'ws://b:2/v1/spaces/s/listen?token=T',
  );
});

test('an anonymous listener stays anonymous, and a URL with its own token is kept as is', () => {
  assert.equal(
    carryToken('ws://a:1/v1/spaces/s/listen', 'ws://b:2/v1/spaces/s/listen'),
    'ws://b:2/v1/spaces/s/listen',
  );
  assert.equal(carryToken('ws://a:1/x?token=T', 'ws://b:2/x?token=U'), 'ws://b:2/x?token=U');
});
