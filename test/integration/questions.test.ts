/**
 * Questions against a real server in-process: the HTTP and listen-socket paths, the catalog
 * codes for bad input (nothing stored), a burst of posts reaching a listener as a bounded
 * number of bulletins, the moderators-only view of hidden questions, and, on a three-node
 * cluster in one process, the questions surviving the loss of the Space's home.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUESTION_LIMITS } from '../../src/protocol/questions.js';
import { startMemoryCluster } from '../helpers/mem-cluster.js';
import { asUserId } from '../../src/protocol/ids.js';
import { createTokenService } from '../../src/control/auth/index.js';
import { api, signUp, startTestServer, TestSocket } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

async function liveSpace(url: string, token: string): Promise<string> {
  const id: string = (await api(url, 'POST', '/v1/spaces', { token, body: { title: 'Q' } })).body.space.id;
  const live = await api(url, 'POST', `/v1/spaces/${id}/actions`, { token, body: { type: 'go_live' } });
  assert.equal(live.status, 200);
  return id;
}

test('questions over HTTP and the listen socket; bad input gets catalog codes and stores nothing', async () => {
  const server = await startTestServer();
  try {
    const { url } = server;
    const host = await signUp(url, 'qhost');
    const ann = await signUp(url, 'qann');
    const id = await liveSpace(url, host.token);
    const ask = (token: string | undefined, body: unknown) =>
      api(url, 'POST', `/v1/spaces/${id}/questions`, { token, body });

    assert.equal((await ask(ann.token, { text: 'first?' })).status, 201);
    const refusals: [unknown, number, string][] = [
      [{ text: 'x'.repeat(QUESTION_LIMITS.maxLength + 1) }, 413, 'payload_too_large'],
      [{ text: 'a\u0000b' }, 400, 'invalid_field'],
      [{ text: '' }, 400, 'invalid_field'],
      [{ text: 7 }, 400, 'invalid_field'],
      [{ text: 'ok', extra: 1 }, 400, 'invalid_field'],
    ];
    for (const [body, status, code] of refusals) {
      const r = await ask(ann.token, body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error.code, code);
    }
    assert.equal((await ask(undefined, { text: 'anon?' })).body.error.code, 'unauthenticated');

    // the listen socket takes the same commands; two more posts reach the per-minute limit
    const sock = await TestSocket.open(url, `/v1/spaces/${id}/listen`, ann.token);
    await sock.waitType('welcome');
    assert.equal((await sock.command({ type: 'ask', text: 'second?' })).type, 'ack');
    assert.equal((await ask(ann.token, { text: 'third?' })).status, 201);
    const flood = await sock.command({ type: 'ask', text: 'fourth?' });
    assert.equal(flood.code, 'too_many_requests');
    assert.ok(flood.message);

    const list = await api(url, 'GET', `/v1/spaces/${id}/questions`);
    assert.deepEqual(list.body.questions.map((q: { text: string }) => q.text).sort(), [
      'first?',
      'second?',
      'third?',
    ]);
    const first = list.body.questions.find((q: { text: string }) => q.text === 'first?');
    const vote = (token: string) =>
      api(url, 'POST', `/v1/spaces/${id}/questions/${first.id}/vote`, { token });
    assert.equal((await vote(host.token)).status, 200);
    assert.equal((await vote(host.token)).status, 200, 'a second vote is accepted and changes nothing');
    assert.equal((await vote(ann.token)).body.error.code, 'cannot_target_self');
    assert.equal(
      (await api(url, 'POST', `/v1/spaces/${id}/questions/nope/vote`, { token: host.token })).body.error.code,
      'question_not_found',
    );
    const board = await sock.waitFor(
      (m) => m.type === 'questions' && m.questions.top[0]?.votes === 1,
      5_000,
      'a board with the vote',
    );
    assert.equal(board.questions.top[0].text, 'first?');
    assert.equal(board.questions.open, 3);

    // hidden: gone from the public list, still in the host's
    const hide = await api(url, 'POST', `/v1/spaces/${id}/actions`, {
      token: host.token,
      body: { type: 'hide_question', questionId: first.id },
    });
    assert.equal(hide.status, 200);
    assert.equal((await api(url, 'GET', `/v1/spaces/${id}/questions`)).body.questions.length, 2);
    assert.equal(
      (await api(url, 'GET', `/v1/spaces/${id}/questions`, { token: host.token })).body.questions.length,
      3,
    );
    const listenerMod = await api(url, 'POST', `/v1/spaces/${id}/actions`, {
      token: ann.token,
      body: { type: 'set_questions', enabled: false, slowModeMs: 0 },
    });
    assert.equal(listenerMod.body.error.code, 'forbidden');
    sock.ws.close();
  } finally {
    await server.stop();
  }
});

test('forty people posting at once reach a listener as a few bulletins, not forty', async () => {
  // tokens minted with the server's secret: forty sign-ups would meet the sign-up rate limit
  const secret = 'questions-test-secret-of-at-least-32-bytes';
  const server = await startTestServer({ tokenSecret: secret });
  try {
    const { url } = server;
    const host = await signUp(url, 'bhost');
    const id = await liveSpace(url, host.token);
    const listener = await TestSocket.open(url, `/v1/spaces/${id}/listen`);
    await listener.waitType('welcome');
    const minter = createTokenService({ secret: new TextEncoder().encode(secret) });
    const askers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => minter.mint({ id: asUserId(`basker${i}`), handle: `basker${i}` })),
    );
    const t0 = Date.now();
    const replies = await Promise.all(
      askers.map((a, i) =>
        api(url, 'POST', `/v1/spaces/${id}/questions`, { token: a.token, body: { text: `q${i}` } }),
      ),
    );
    assert.ok(replies.every((r) => r.status === 201));
    await listener.waitFor(
      (m) => m.type === 'questions' && m.questions.open === 40,
      10_000,
      'all 40 on the board',
    );
    const bulletins = listener.messages.filter((m) => m.type === 'questions').length;
    const windows = Math.ceil((Date.now() - t0) / QUESTION_LIMITS.bulletinMs) + 1;
    assert.ok(bulletins <= windows, `${bulletins} bulletins in ${windows} windows`);
    assert.ok(bulletins < 10, `${bulletins} bulletins for 40 posts`);
    const last = listener.messages.filter((m) => m.type === 'questions').at(-1);
    assert.equal(last.questions.top.length, QUESTION_LIMITS.topN);
    listener.ws.close();
  } finally {
    await server.stop();
  }
});

test('questions, votes and the highlight survive the loss of the home: the new home serves the same board', async () => {
  const c = await startMemoryCluster(3, { config: { homeLeaseMs: 1_500 } });
  try {
    const [a, b] = c.nodes.map((n) => n.url) as [string, string];
    const host = await signUp(a, 'fhost');
    const ann = await signUp(b, 'fann');
    const id = await liveSpace(a, host.token);
    assert.equal(c.homeOf(id), 'node0');
    // asked on an edge: the command runs at the home
    assert.equal(
      (
        await api(b, 'POST', `/v1/spaces/${id}/questions`, {
          token: ann.token,
          body: { text: 'still here?' },
        })
      ).status,
      201,
    );
    const q = (await api(b, 'GET', `/v1/spaces/${id}/questions`)).body.questions[0];
    await api(b, 'POST', `/v1/spaces/${id}/questions/${q.id}/vote`, { token: host.token });
    await api(a, 'POST', `/v1/spaces/${id}/actions`, {
      token: host.token,
      body: { type: 'now_answering', questionId: q.id },
    });
    const edge = await TestSocket.open(b, `/v1/spaces/${id}/listen`);
    await edge.waitFor((m) => m.type === 'welcome' || m.type === 'questions', 5_000);
    c.cut(0);
    await until(() => c.homeOf(id) !== null && c.homeOf(id) !== 'node0', 15_000, 'a new home');
    // the new home loaded the board from the store: a fresh listener's welcome carries it
    await until(
      async () => {
        const s = await api(b, 'GET', `/v1/spaces/${id}`);
        return (
          s.body.questions?.nowAnswering?.text === 'still here?' && s.body.questions.nowAnswering.votes === 1
        );
      },
      15_000,
      'the board on the new home',
    );
    // and it keeps counting: the old vote is not counted twice, a new one is
    await until(
      async () =>
        (await api(b, 'POST', `/v1/spaces/${id}/questions/${q.id}/vote`, { token: host.token })).status ===
        200,
      10_000,
      'a vote at the new home',
    );
    const after = (await api(b, 'GET', `/v1/spaces/${id}/questions`)).body.questions[0];
    assert.equal(after.votes, 1);
    assert.equal(after.status, 'answering');
    edge.ws.close();
  } finally {
    await c.stop();
  }
});
