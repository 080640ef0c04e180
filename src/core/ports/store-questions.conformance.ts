/**
 * The questions part of the Store conformance suite (store.conformance.ts runs it for every
 * adapter): questions, votes (one per person, counted exactly), settings and posting bans.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RostraError } from '../errors.js';
import { asQuestionId, asSpaceId, asUserId, type SpaceId } from '../../protocol/ids.js';
import type { QuestionRecord, SpaceRecord, Store } from './store.js';

/** what the cases use of store.conformance.ts's StoreHarness */
interface StoreHarnessLike {
  store: Store;
  reopen?: () => Promise<Store>;
}

type WithStore = (
  body: (h: StoreHarnessLike, t: TestContext) => Promise<void>,
) => (t: TestContext) => Promise<void>;

const T0 = 1_790_000_000_000;
let seq = 0;
const uid = () => asUserId(`qu${++seq}`);

const question = (spaceId: SpaceId, over: Partial<QuestionRecord> = {}): QuestionRecord => ({
  spaceId,
  id: asQuestionId(`q${++seq}`),
  authorId: uid(),
  authorHandle: 'asker',
  text: 'What about <b>latency</b>? 🔥 "quoted"',
  votes: 0,
  status: 'open',
  askedAt: T0 + seq,
  answeredAt: null,
  ...over,
});

const rejectsWith = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (e: unknown) => e instanceof RostraError && e.code === code);

export function runQuestionConformance(withStore: WithStore, space: () => SpaceRecord): void {
  const live = async (store: Store) => (await store.createSpace({ ...space(), state: 'live' })).id;

  void describe('questions', () => {
    void it(
      'a question reads back exactly as written, oldest first, per Space',
      withStore(async ({ store }) => {
        const [s1, s2] = [await live(store), await live(store)];
        const a = question(s1, { askedAt: T0 + 5 });
        const b = question(s1, { askedAt: T0 + 1 });
        await store.addQuestion(a);
        await store.addQuestion(b);
        await store.addQuestion(question(s2));
        assert.deepEqual(await store.listQuestions(s1), [b, a]);
        assert.deepEqual(await store.listQuestions(s1, 1), [b]);
        assert.equal((await store.listQuestions(s2)).length, 1);
      }),
    );

    void it(
      'a question for an unknown Space is refused with space_not_found',
      withStore(async ({ store }) => {
        await rejectsWith(store.addQuestion(question(asSpaceId('missing'))), 'space_not_found');
      }),
    );

    void it(
      'one vote per person per question, and the count equals the voters',
      withStore(async ({ store }) => {
        const s = await live(store);
        const q = question(s);
        await store.addQuestion(q);
        const voters = Array.from({ length: 30 }, uid);
        const counts = await Promise.all(voters.map((u) => store.addQuestionVote(s, q.id, u, T0)));
        assert.deepEqual(
          counts.filter((c) => c !== null).sort((x, y) => x - y),
          voters.map((_, i) => i + 1),
        );
        assert.equal(
          await store.addQuestionVote(s, q.id, voters[0]!, T0),
          null,
          'a second vote changes nothing',
        );
        assert.equal((await store.listQuestions(s))[0]?.votes, 30);
        await rejectsWith(store.addQuestionVote(s, asQuestionId('nope'), uid(), T0), 'question_not_found');
      }),
    );

    void it(
      'a status change keeps the votes and sets answeredAt when given',
      withStore(async ({ store }) => {
        const s = await live(store);
        const q = question(s);
        await store.addQuestion(q);
        await store.addQuestionVote(s, q.id, uid(), T0);
        assert.equal((await store.setQuestionStatus(s, q.id, 'answering'))?.answeredAt, null);
        const done = await store.setQuestionStatus(s, q.id, 'answered', T0 + 99);
        assert.deepEqual(done, { ...q, votes: 1, status: 'answered', answeredAt: T0 + 99 });
        assert.equal(await store.setQuestionStatus(s, asQuestionId('nope'), 'hidden'), null);
      }),
    );

    void it(
      'settings default to on without slow mode, and read back as set',
      withStore(async ({ store }) => {
        const s = await live(store);
        assert.deepEqual(await store.getQuestionSettings(s), { enabled: true, slowModeMs: 0 });
        await store.setQuestionSettings(s, { enabled: false, slowModeMs: 30_000 });
        await store.setQuestionSettings(s, { enabled: true, slowModeMs: 60_000 });
        assert.deepEqual(await store.getQuestionSettings(s), { enabled: true, slowModeMs: 60_000 });
      }),
    );

    void it(
      'a posting ban is idempotent and per Space',
      withStore(async ({ store }) => {
        const [s1, s2] = [await live(store), await live(store)];
        const ban = { spaceId: s1, userId: uid(), bannedBy: uid(), at: T0 };
        await store.addQuestionBan(ban);
        await store.addQuestionBan({ ...ban, at: T0 + 1 });
        assert.deepEqual(await store.listQuestionBans(s1), [ban]);
        assert.deepEqual(await store.listQuestionBans(s2), []);
        assert.equal(await store.isBanned(s1, ban.userId), false, 'not banned from the Space itself');
      }),
    );

    void it(
      'questions, votes, settings and posting bans survive close and reopen',
      withStore(async (h, t) => {
        if (!h.reopen) return t.skip('this store is not durable (no reopen)');
        const s = await live(h.store);
        const q = question(s);
        const voter = uid();
        await h.store.addQuestion(q);
        await h.store.addQuestionVote(s, q.id, voter, T0);
        await h.store.setQuestionStatus(s, q.id, 'answering');
        await h.store.setQuestionSettings(s, { enabled: true, slowModeMs: 5_000 });
        const ban = { spaceId: s, userId: uid(), bannedBy: voter, at: T0 };
        await h.store.addQuestionBan(ban);
        const store = await h.reopen();
        assert.deepEqual(await store.listQuestions(s), [{ ...q, votes: 1, status: 'answering' }]);
        assert.equal(await store.addQuestionVote(s, q.id, voter, T0), null);
        assert.deepEqual(await store.getQuestionSettings(s), { enabled: true, slowModeMs: 5_000 });
        assert.deepEqual(await store.listQuestionBans(s), [ban]);
      }),
    );
  });
}
