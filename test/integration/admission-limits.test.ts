/**
 * Admission against a real server, the cases the storm test does not cover:
 * - a Space that is not live has no HLS stream to overflow to: listeners over the cap wait in
 *   the waiting room with their position, counted down, and get `welcome` in order;
 * - per-person limits: one account opening sockets in a loop, and reacting from two sockets at
 *   once, is refused with too_many_requests (the socket closes with 4429, a retryable code);
 *   other people are not affected.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';

let full: TestServer;
let open: TestServer;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function space(server: TestServer, live: boolean): Promise<string> {
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'limits', allowAnonymous: true },
  });
  const id = res.body.space.id as string;
  if (live) {
    const stage = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
    await stage.waitType('welcome');
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    stage.close();
  }
  return id;
}

before(async () => {
  full = await startTestServer({ maxListeners: 2 });
  open = await startTestServer({});
});

after(async () => {
  await full?.stop();
  await open?.stop();
});

test('over the cap with no HLS to go to, listeners wait with a position and are admitted in order', async () => {
  const id = await space(full, false);
  const sockets: TestSocket[] = [];
  for (let i = 0; i < 5; i++) {
    sockets.push(await TestSocket.open(full.url, `/v1/spaces/${id}/listen`));
    await sleep(20);
  }
  await sockets[0]!.waitType('welcome');
  await sockets[1]!.waitType('welcome');
  for (const [i, s] of sockets.slice(2).entries()) {
    const w = await s.waitType('waiting');
    assert.equal(w.position, i + 1, `socket ${i + 2} is number ${i + 1}`);
    assert.ok(!s.messages.some((m) => m.type === 'welcome'));
  }
  // a place frees: number 1 comes in, the others move up
  sockets[0]!.close();
  await sockets[2]!.waitType('welcome', 3000);
  await sleep(1_200); // position updates go out once a second
  const last = (s: TestSocket) => s.messages.filter((m) => m.type === 'waiting').at(-1)?.position;
  assert.equal(last(sockets[3]!), 1);
  assert.equal(last(sockets[4]!), 2);
  assert.ok(!sockets[3]!.messages.some((m) => m.type === 'welcome'));
  // a waiter that leaves gives up its place; the one behind moves up
  sockets[3]!.close();
  sockets[1]!.close();
  await sockets[4]!.waitType('welcome', 3000);
  assert.deepEqual(full.rostra.admission.stats().waiting, 0);
  for (const s of sockets) s.close();
});

test('one person opening sockets in a loop is refused with too_many_requests (4429) after the burst', async () => {
  const id = await space(open, true);
  const me = await signUp(open.url, 'joiner');
  const codes: (string | null)[] = [];
  for (let i = 0; i < 14; i++) {
    const s = await TestSocket.open(open.url, `/v1/spaces/${id}/listen`, me.token);
    const first = await s.waitFor((m) => m.type === 'welcome' || m.type === 'error', 3000);
    codes.push(first.type === 'error' ? first.code : null);
    if (first.type === 'error') assert.equal(await s.closed(), 4429);
    s.close();
  }
  const refused = codes.filter((c) => c === 'too_many_requests').length;
  console.log(`14 joins by one person in a loop: ${14 - refused} admitted, ${refused} too_many_requests`);
  assert.ok(
    codes.slice(0, 10).every((c) => c === null),
    'the burst of 10 is admitted',
  );
  assert.ok(refused >= 3, `${refused} refused`);
  // someone else joins fine meanwhile
  const other = await signUp(open.url, 'other');
  const s = await TestSocket.open(open.url, `/v1/spaces/${id}/listen`, other.token);
  await s.waitType('welcome');
  s.close();
});

test('reactions are limited per person across sockets; another person is not affected', async () => {
  const id = await space(open, true);
  const me = await signUp(open.url, 'reactor');
  const other = await signUp(open.url, 'calm');
  const a = await TestSocket.open(open.url, `/v1/spaces/${id}/listen`, me.token);
  const b = await TestSocket.open(open.url, `/v1/spaces/${id}/listen`, me.token);
  const c = await TestSocket.open(open.url, `/v1/spaces/${id}/listen`, other.token);
  await Promise.all([a.waitType('welcome'), b.waitType('welcome'), c.waitType('welcome')]);
  const replies = await Promise.all(
    Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).command({ type: 'react', emoji: '🔥' })),
  );
  const acks = replies.filter((r) => r.type === 'ack').length;
  const limited = replies.filter((r) => r.type === 'error' && r.code === 'too_many_requests').length;
  console.log(`30 reactions from one person on two sockets: ${acks} accepted, ${limited} too_many_requests`);
  assert.ok(acks >= 15 && acks <= 17, `${acks} accepted (burst 15 + refill)`);
  assert.equal(acks + limited, 30);
  assert.equal((await c.command({ type: 'react', emoji: '🔥' })).type, 'ack');
  for (const s of [a, b, c]) s.close();
});
