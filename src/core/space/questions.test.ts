import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asQuestionId } from '../../protocol/ids.js';
import { QUESTION_LIMITS, type QuestionBoard } from '../../protocol/questions.js';
import { Room } from './room.js';
import { anonymous, bringUp, idOf, makeCohost, makeRoom, user, type Fixture } from './testing/fixture.js';
import { assertRefused } from './testing/refusal.js';

const ask = (f: Fixture, who: ReturnType<typeof user>, text: string) =>
  f.room.handleAudience(who, { type: 'ask', text });

/** collects `questions` events; flush() moves the clock past one bulletin window */
function boards(f: Fixture) {
  const seen: QuestionBoard[] = [];
  f.room.events.on('questions', (b) => seen.push(b));
  return { seen, flush: () => f.clock.advance(QUESTION_LIMITS.bulletinMs) };
}

const idOfText = (f: Fixture, text: string) => {
  const q = f.room.questions().find((x) => x.text === text);
  assert.ok(q, `no question '${text}'`);
  return q.id;
};

void describe('questions', () => {
  void test('the board shows open questions by votes, the newest first on a tie', async () => {
    const f = await makeRoom();
    const [a, b, c, d] = ['ann', 'bob', 'cat', 'dan'].map((h) => user(h));
    await ask(f, a!, 'first');
    f.clock.advance(10);
    await ask(f, b!, 'second');
    f.clock.advance(10);
    await ask(f, c!, 'third');
    await f.room.handleAudience(d!, { type: 'upvote', questionId: idOfText(f, 'first') });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    const board = f.room.snapshot().questions;
    assert.deepEqual(
      board.top.map((q) => [q.text, q.votes]),
      [
        ['first', 1],
        ['third', 0],
        ['second', 0],
      ],
    );
    assert.equal(board.open, 3);
    assert.equal(board.top[0]?.authorHandle, 'ann');
  });

  void test('a storm of posts and votes makes one bulletin per window, not one per post', async () => {
    const f = await makeRoom();
    const { seen, flush } = boards(f);
    const askers = Array.from({ length: 50 }, (_, i) => user(`asker${i}`));
    for (const a of askers) await ask(f, a, `question from ${a.handle}`);
    assert.equal(seen.length, 1, 'the first change goes out at once');
    const q = idOfText(f, 'question from asker7');
    for (let i = 0; i < 100; i++)
      await f.room.handleAudience(user(`voter${i}`), { type: 'upvote', questionId: q });
    flush();
    assert.equal(seen.length, 2, 'everything after the first lands in one more bulletin');
    assert.equal(seen[1]?.top[0]?.votes, 100);
    assert.equal(seen[1]?.top.length, QUESTION_LIMITS.topN, 'only the top N travel');
    assert.equal(seen[1]?.open, 50);
    flush();
    assert.equal(seen.length, 2, 'no change, no bulletin');
  });

  void test('a second upvote by the same person changes nothing; an author cannot upvote their own', async () => {
    const f = await makeRoom();
    const [a, v] = [user('ann'), user('val')];
    await ask(f, a, 'hello?');
    const id = idOfText(f, 'hello?');
    await f.room.handleAudience(v, { type: 'upvote', questionId: id });
    await f.room.handleAudience(v, { type: 'upvote', questionId: id });
    assert.equal(f.room.questions()[0]?.votes, 1);
    await assertRefused(f.room, 'cannot_target_self', () =>
      f.room.handleAudience(a, { type: 'upvote', questionId: id }),
    );
    await assertRefused(f.room, 'question_not_found', () =>
      f.room.handleAudience(v, { type: 'upvote', questionId: asQuestionId('nope') }),
    );
  });

  void test('bad text is refused with a catalog code and stores nothing', async () => {
    const f = await makeRoom();
    const a = user('ann');
    const cases: [string, Parameters<typeof assertRefused>[1]][] = [
      ['x'.repeat(QUESTION_LIMITS.maxLength + 1), 'payload_too_large'],
      ['   ', 'invalid_field'],
      ['two\nlines', 'invalid_field'],
      ['bell\u0007', 'invalid_field'],
      ['right-to-left \u202e override', 'invalid_field'],
    ];
    for (const [text, code] of cases) await assertRefused(f.room, code, () => ask(f, a, text));
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleAudience(anonymous(), { type: 'ask', text: 'hi' }),
    );
    assert.equal(f.store.questions.size, 0);
    // markup is just text: stored and shown as typed, emoji counted as one character each
    await ask(f, a, `  <script>alert(1)</script> ${'🔥'.repeat(200)} `);
    assert.equal(f.room.questions()[0]?.text, `<script>alert(1)</script> ${'🔥'.repeat(200)}`);
  });

  void test('a person may post a few questions a minute; slow mode, set live, spaces them further', async () => {
    const f = await makeRoom();
    const a = user('ann');
    for (let i = 0; i < QUESTION_LIMITS.postsPerMinute; i++) await ask(f, a, `q${i}`);
    await assertRefused(f.room, 'too_many_requests', () => ask(f, a, 'one more'));
    f.clock.advance(60_000);
    await ask(f, a, 'after a minute');
    await f.room.handleStage(f.host, { type: 'set_questions', enabled: true, slowModeMs: 120_000 });
    f.clock.advance(60_000);
    await assertRefused(f.room, 'slow_mode', () => ask(f, a, 'too soon'));
    f.clock.advance(60_000);
    await ask(f, a, 'two minutes later');
    assert.deepEqual(await f.store.getQuestionSettings(f.room.id), { enabled: true, slowModeMs: 120_000 });
  });

  void test('switched off, questions are refused until switched on again', async () => {
    const f = await makeRoom();
    await f.room.handleStage(f.host, { type: 'set_questions', enabled: false, slowModeMs: 0 });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    assert.equal(f.room.snapshot().questions.enabled, false);
    await assertRefused(f.room, 'questions_off', () => ask(f, user('ann'), 'anyone?'));
    await f.room.handleStage(f.host, { type: 'set_questions', enabled: true, slowModeMs: 0 });
    await ask(f, user('ann'), 'anyone?');
  });

  void test('the host highlights a question; the next highlight marks the first answered', async () => {
    const f = await makeRoom();
    await ask(f, user('ann'), 'one');
    await ask(f, user('bob'), 'two');
    const [one, two] = [idOfText(f, 'one'), idOfText(f, 'two')];
    await f.room.handleStage(f.host, { type: 'now_answering', questionId: one });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    let board = f.room.snapshot().questions;
    assert.equal(board.nowAnswering?.text, 'one');
    assert.deepEqual(
      board.top.map((q) => q.text),
      ['two'],
    );
    await f.room.handleStage(f.host, { type: 'now_answering', questionId: two });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    board = f.room.snapshot().questions;
    assert.equal(board.nowAnswering?.text, 'two');
    assert.equal(board.answered, 1);
    await f.room.handleStage(f.host, { type: 'answer_question', questionId: two });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    board = f.room.snapshot().questions;
    assert.equal(board.nowAnswering, null);
    assert.equal(board.answered, 2);
    assert.equal(
      (await f.store.listQuestions(f.room.id)).every((q) => q.answeredAt !== null),
      true,
    );
  });

  void test('a co-host hides a question and bans its author from posting; listeners cannot moderate', async () => {
    const f = await makeRoom();
    const co = user('cohost');
    await makeCohost(f, co);
    const troll = user('troll');
    f.room.listenerJoined(troll);
    await ask(f, troll, 'spam');
    const id = idOfText(f, 'spam');
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(user('ann'), { type: 'hide_question', questionId: id }),
    );
    await f.room.handleStage(co, { type: 'hide_question', questionId: id });
    await f.room.handleStage(co, { type: 'ban_from_questions', userId: idOf(troll) });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    assert.deepEqual(f.room.snapshot().questions.top, []);
    f.clock.advance(60_000);
    await assertRefused(f.room, 'questions_banned', () => ask(f, troll, 'again'));
    await assertRefused(f.room, 'question_not_found', () =>
      f.room.handleAudience(user('ann'), { type: 'upvote', questionId: id }),
    );
    assert.equal(await f.store.isBanned(f.room.id, idOf(troll)), false, 'still allowed to listen');
    const sp = user('speaker');
    await bringUp(f, sp);
    await assertRefused(f.room, 'forbidden', () =>
      f.room.handleStage(sp, { type: 'answer_question', questionId: id }),
    );
  });

  void test('a room loaded again from the store (failover, restart) has the same questions, votes and bans', async () => {
    const f = await makeRoom();
    const [a, b, troll] = [user('ann'), user('bob'), user('troll')];
    await ask(f, a, 'kept?');
    await ask(f, troll, 'junk');
    const id = idOfText(f, 'kept?');
    await f.room.handleAudience(b, { type: 'upvote', questionId: id });
    await f.room.handleStage(f.host, { type: 'now_answering', questionId: id });
    await f.room.handleStage(f.host, { type: 'ban_from_questions', userId: idOf(troll) });
    await f.room.handleStage(f.host, { type: 'set_questions', enabled: true, slowModeMs: 30_000 });
    f.clock.advance(QUESTION_LIMITS.bulletinMs);
    const before = f.room.snapshot().questions;
    f.room.close();
    const again = await Room.load({ spaceId: f.room.id, store: f.store, clock: f.clock });
    assert.deepEqual(again.snapshot().questions, before);
    await assert.rejects(ask({ ...f, room: again }, troll, 'back'), { code: 'questions_banned' });
    await again.handleAudience(b, { type: 'upvote', questionId: id });
    assert.equal(again.questions().find((q) => q.id === id)?.votes, 1, 'the old vote still counts once');
    again.close();
  });

  void test('questions need a live Space', async () => {
    const f = await makeRoom({ state: 'backstage' });
    await assertRefused(f.room, 'space_not_live', () => ask(f, user('ann'), 'early?'));
  });
});
