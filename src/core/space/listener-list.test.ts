import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asUserId, type UserId } from '../../protocol/ids.js';
import { LIMITS } from '../../protocol/limits.js';
import { ListenerList, parseListenerQuery } from './listener-list.js';

function source(handles: string[]) {
  const present = new Map<UserId, number>(handles.map((h) => [asUserId(`id_${h}`), 1]));
  let reads = 0;
  return {
    present,
    reads: () => reads,
    src: {
      ids: () => present.keys(),
      sizes: () => ({ named: present.size, anonymous: 3 }),
      handleOf: (id: UserId) => {
        reads++;
        return Promise.resolve(id.startsWith('id_') ? id.slice(3) : null);
      },
    },
  };
}

void test('pages walk the listeners in join order and end with next = null', async () => {
  const s = source(['a1', 'a2', 'b1', 'b2', 'b3']);
  const list = new ListenerList(s.src);
  const p1 = await list.page({ limit: 2 });
  assert.deepEqual(
    p1.listeners.map((l) => l.handle),
    ['a1', 'a2'],
  );
  assert.equal(p1.next, 2);
  assert.equal(p1.named, 5);
  assert.equal(p1.anonymous, 3);
  const p3 = await list.page({ limit: 2, cursor: 4 });
  assert.deepEqual(
    p3.listeners.map((l) => l.handle),
    ['b3'],
  );
  assert.equal(p3.next, null);
});

void test('a search matches handle prefixes and reads each handle from the store once', async () => {
  const s = source(['ann', 'bob', 'anna', 'carl']);
  const list = new ListenerList(s.src);
  const hit = await list.page({ q: 'ann' });
  assert.deepEqual(
    hit.listeners.map((l) => l.handle),
    ['ann', 'anna'],
  );
  assert.equal(hit.next, null);
  const before = s.reads();
  await list.page({ q: 'ann' });
  assert.equal(s.reads(), before, 'handles are cached');
});

void test('a search looks at no more than maxListenerScan listeners per request and says where to go on', async () => {
  const n = LIMITS.maxListenerScan + 10;
  const s = source(Array.from({ length: n }, (_, i) => `u${i}`));
  const list = new ListenerList(s.src);
  const page = await list.page({ q: 'zzz' });
  assert.equal(page.listeners.length, 0);
  assert.equal(page.next, LIMITS.maxListenerScan);
  assert.ok(s.reads() <= LIMITS.maxListenerScan);
  const rest = await list.page({ q: 'zzz', cursor: page.next ?? 0 });
  assert.equal(rest.next, null);
});

void test('someone who left between pages is simply not listed', async () => {
  const s = source(['a', 'b', 'c']);
  const list = new ListenerList(s.src);
  s.present.delete(asUserId('id_b'));
  const page = await list.page({});
  assert.deepEqual(
    page.listeners.map((l) => l.handle),
    ['a', 'c'],
  );
});

void test('queries from outside are checked: limit, cursor and search text', () => {
  assert.deepEqual(parseListenerQuery({ q: '@Ann', cursor: '20', limit: '10' }), {
    q: 'ann',
    cursor: 20,
    limit: 10,
  });
  assert.deepEqual(parseListenerQuery({ q: '' }), {});
  for (const bad of [
    { limit: '0' },
    { limit: '51' },
    { cursor: '-1' },
    { cursor: '1.5' },
    { q: 'a b' },
    { q: 7 },
  ]) {
    assert.throws(() => parseListenerQuery(bad), { code: 'invalid_field' }, JSON.stringify(bad));
  }
});
