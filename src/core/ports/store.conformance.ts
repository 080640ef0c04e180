/**
 * Store conformance suite: every Store adapter runs these cases (see style.md §7).
 *
 *   runStoreConformance('sqlite :memory:', async () => { const store = ...; return { store, cleanup } });
 *
 * Each case calls the factory for a fresh, empty store and calls `cleanup()` at the end. The
 * durability case needs `reopen`; an adapter without it (an in-memory database) skips that case
 * and says why. Requirements beyond the comments in store.ts are stated in the case names.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RostraError } from '../errors.js';
import { asSpaceId, asUserId, type SpaceId, type UserId } from '../../protocol/ids.js';
import type { AccountRecord, SpaceRecord, Store } from './store.js';
import { runQuestionConformance } from './store-questions.conformance.js';

export interface StoreHarness {
  /** a fresh store with no data */
  store: Store;
  /**
   * Closes the current store and opens a new one on the same data (a restart). Absent when
   * the adapter is not durable (e.g. SQLite ':memory:').
   */
  reopen?: () => Promise<Store>;
  /** closes whatever is still open and removes the data */
  cleanup(): Promise<void>;
}

/** ms since epoch, past 2^31 on purpose so 32-bit columns would fail */
const T0 = 1_790_000_000_000;

let seq = 0;
const uid = (label = 'u'): UserId => asUserId(`${label}${++seq}`);
const sid = (label = 's'): SpaceId => asSpaceId(`${label}${++seq}`);

export const account = (over: Partial<AccountRecord> = {}): AccountRecord => ({
  id: uid(),
  handle: `user_${++seq}`,
  passwordHash: 'scrypt$v=1$n=32768,r=8,p=1,l=32$c2FsdA$aGFzaA',
  createdAt: T0,
  ...over,
});

export const space = (over: Partial<SpaceRecord> = {}): SpaceRecord => ({
  id: sid(),
  title: 'Morning show 🔥',
  description: 'talk, with "quotes" and \'apostrophes\'',
  state: 'scheduled',
  createdBy: asUserId('creator'),
  hostId: asUserId('creator'),
  scheduledFor: T0 + 60_000,
  startedAt: null,
  endedAt: null,
  allowAnonymous: true,
  recording: false,
  createdAt: T0,
  ...over,
});

const rejectsWith = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (e: unknown) => e instanceof RostraError && e.code === code);

export function runStoreConformance(name: string, makeStore: () => Promise<StoreHarness>): void {
  /** runs `body` on a fresh store and always cleans up */
  const withStore = (body: (h: StoreHarness, t: TestContext) => Promise<void>) => async (t: TestContext) => {
    const h = await makeStore();
    try {
      await body(h, t);
    } finally {
      await h.cleanup();
    }
  };

  void describe(`Store conformance: ${name}`, () => {
    void describe('accounts', () => {
      void it(
        'an account reads back by id and by handle exactly as written',
        withStore(async ({ store }) => {
          const a = account();
          await store.createAccount(a);
          assert.deepEqual(await store.getAccount(a.id), a);
          assert.deepEqual(await store.getAccountByHandle(a.handle), a);
        }),
      );

      void it(
        'unknown ids and handles read as null',
        withStore(async ({ store }) => {
          assert.equal(await store.getAccount(uid('nobody')), null);
          assert.equal(await store.getAccountByHandle('nobody_here'), null);
        }),
      );

      void it(
        'a second account with a taken handle is refused with handle_taken and changes nothing',
        withStore(async ({ store }) => {
          const a = account({ handle: 'alice' });
          await store.createAccount(a);
          const b = account({ handle: 'alice' });
          await rejectsWith(store.createAccount(b), 'handle_taken');
          assert.equal(await store.getAccount(b.id), null);
          assert.deepEqual(await store.getAccountByHandle('alice'), a);
        }),
      );
    });

    void describe('spaces', () => {
      void it(
        'createSpace returns the Space with reminderCount 0 and it reads back identically',
        withStore(async ({ store }) => {
          const s = space({
            state: 'live',
            scheduledFor: null,
            startedAt: T0 + 5,
            recording: true,
            allowAnonymous: false,
          });
          const created = await store.createSpace(s);
          assert.deepEqual(created, { ...s, reminderCount: 0 });
          assert.deepEqual(await store.getSpace(s.id), created);
        }),
      );

      void it(
        'an unknown Space reads as null',
        withStore(async ({ store }) => {
          assert.equal(await store.getSpace(sid('missing')), null);
        }),
      );

      void it(
        'creating a Space with an existing id rejects and keeps the first',
        withStore(async ({ store }) => {
          const s = space();
          await store.createSpace(s);
          await assert.rejects(store.createSpace({ ...s, title: 'other' }));
          assert.equal((await store.getSpace(s.id))?.title, s.title);
        }),
      );

      void it(
        'updateSpace applies only the given fields and returns the updated Space',
        withStore(async ({ store }) => {
          const s = space({ state: 'live', scheduledFor: null, startedAt: T0 });
          await store.createSpace(s);
          const updated = await store.updateSpace(s.id, {
            state: 'ended',
            endedAt: T0 + 1000,
            title: 'done',
          });
          const expected = {
            ...s,
            state: 'ended' as const,
            endedAt: T0 + 1000,
            title: 'done',
            reminderCount: 0,
          };
          assert.deepEqual(updated, expected);
          assert.deepEqual(await store.getSpace(s.id), expected);
        }),
      );

      void it(
        'updateSpace moves a scheduled start (editing a scheduled Space)',
        withStore(async ({ store }) => {
          const s = space({ state: 'scheduled', scheduledFor: T0 + 60_000 });
          await store.createSpace(s);
          const updated = await store.updateSpace(s.id, { scheduledFor: T0 + 120_000 }, 'scheduled');
          assert.equal(updated?.scheduledFor, T0 + 120_000);
          assert.equal((await store.getSpace(s.id))?.scheduledFor, T0 + 120_000);
        }),
      );

      void it(
        'updateSpace can set a nullable field back to null and change host and description',
        withStore(async ({ store }) => {
          const s = space({ startedAt: T0 });
          await store.createSpace(s);
          const updated = await store.updateSpace(s.id, {
            startedAt: null,
            hostId: asUserId('other'),
            description: '',
          });
          assert.equal(updated?.startedAt, null);
          assert.equal(updated?.hostId, 'other');
          assert.equal(updated?.description, '');
          assert.equal(updated?.createdBy, s.createdBy);
        }),
      );

      void it(
        'updateSpace switches recording on and off, compare-and-set on the state',
        withStore(async ({ store }) => {
          const s = space({ state: 'live', startedAt: T0, recording: false });
          await store.createSpace(s);
          const on = await store.updateSpace(s.id, { recording: true }, 'live');
          assert.equal(on?.recording, true);
          assert.equal((await store.getSpace(s.id))?.recording, true);
          assert.equal(await store.updateSpace(s.id, { recording: false }, 'backstage'), null);
          assert.equal((await store.getSpace(s.id))?.recording, true);
          const off = await store.updateSpace(s.id, { recording: false }, 'live');
          assert.equal(off?.recording, false);
          assert.equal(off?.title, s.title);
          assert.equal((await store.getSpace(s.id))?.recording, false);
        }),
      );

      void it(
        'updateSpace on an unknown Space returns null',
        withStore(async ({ store }) => {
          assert.equal(await store.updateSpace(sid('missing'), { title: 'x' }), null);
          assert.equal(await store.updateSpace(sid('missing'), { title: 'x' }, 'live'), null);
          assert.equal(await store.getSpace(sid('missing')), null);
        }),
      );

      void it(
        'updateSpace with a matching expectState updates',
        withStore(async ({ store }) => {
          const s = space({ state: 'backstage' });
          await store.createSpace(s);
          const updated = await store.updateSpace(s.id, { state: 'live', startedAt: T0 + 1 }, 'backstage');
          assert.equal(updated?.state, 'live');
          assert.equal(updated?.startedAt, T0 + 1);
        }),
      );

      void it(
        'updateSpace with a mismatched expectState returns null and changes nothing',
        withStore(async ({ store }) => {
          const s = space({ state: 'live', startedAt: T0 });
          const before = await store.createSpace(s);
          assert.equal(
            await store.updateSpace(s.id, { state: 'ended', endedAt: T0 + 9, title: 'x' }, 'backstage'),
            null,
          );
          assert.deepEqual(await store.getSpace(s.id), before);
        }),
      );

      void it(
        'an empty patch returns the current Space, honouring expectState',
        withStore(async ({ store }) => {
          const s = space({ state: 'backstage' });
          const before = await store.createSpace(s);
          assert.deepEqual(await store.updateSpace(s.id, {}), before);
          assert.deepEqual(await store.updateSpace(s.id, {}, 'backstage'), before);
          assert.equal(await store.updateSpace(s.id, {}, 'live'), null);
        }),
      );

      void it(
        'of two concurrent compare-and-set updates from the same state exactly one wins',
        withStore(async ({ store }) => {
          const s = space({ state: 'backstage' });
          await store.createSpace(s);
          const results = await Promise.all([
            store.updateSpace(s.id, { state: 'live', hostId: asUserId('node_a') }, 'backstage'),
            store.updateSpace(s.id, { state: 'live', hostId: asUserId('node_b') }, 'backstage'),
          ]);
          const winners = results.filter((r) => r !== null);
          assert.equal(winners.length, 1);
          assert.equal((await store.getSpace(s.id))?.hostId, winners[0]?.hostId);
        }),
      );
    });

    void describe('listSpaces', () => {
      const seed = async (store: Store) => {
        const live = [
          space({ id: sid('live_old'), state: 'live', startedAt: T0 + 100 }),
          space({ id: sid('live_new'), state: 'live', startedAt: T0 + 300 }),
          space({ id: sid('live_mid'), state: 'live', startedAt: T0 + 200 }),
        ];
        const scheduled = [
          space({ id: sid('sch_late'), state: 'scheduled', scheduledFor: T0 + 9_000 }),
          space({ id: sid('sch_soon'), state: 'scheduled', scheduledFor: T0 + 1_000 }),
          space({ id: sid('sch_mid'), state: 'scheduled', scheduledFor: T0 + 5_000 }),
        ];
        const other = [space({ state: 'backstage' }), space({ state: 'ended', endedAt: T0 + 1 })];
        for (const s of [...live, ...scheduled, ...other]) await store.createSpace(s);
        return { live, scheduled, other };
      };
      const ids = (spaces: { id: SpaceId }[]) => spaces.map((s) => s.id);

      void it(
        "countSpacesBy counts one creator's Spaces in the asked states only",
        withStore(async ({ store }) => {
          await seed(store); // all by 'creator': 3 live, 3 scheduled, 1 backstage, 1 ended
          await store.createSpace(space({ createdBy: asUserId('someone_else'), state: 'live' }));
          const creator = asUserId('creator');
          assert.equal(await store.countSpacesBy(creator, ['live', 'backstage']), 4);
          assert.equal(await store.countSpacesBy(creator, ['scheduled']), 3);
          assert.equal(await store.countSpacesBy(creator, []), 0);
          assert.equal(await store.countSpacesBy(asUserId('nobody'), ['live']), 0);
        }),
      );

      void it(
        'live Spaces come newest started first',
        withStore(async ({ store }) => {
          const { live } = await seed(store);
          assert.deepEqual(ids(await store.listSpaces({ states: ['live'] })), [
            live[1]!.id,
            live[2]!.id,
            live[0]!.id,
          ]);
        }),
      );

      void it(
        'scheduled Spaces come soonest first',
        withStore(async ({ store }) => {
          const { scheduled } = await seed(store);
          const got = ids(await store.listSpaces({ states: ['scheduled'] }));
          assert.deepEqual(got, [scheduled[1]!.id, scheduled[2]!.id, scheduled[0]!.id]);
        }),
      );

      void it(
        'only the asked states are listed, grouped in the order the states were asked',
        withStore(async ({ store }) => {
          const { live, scheduled } = await seed(store);
          const got = await store.listSpaces({ states: ['scheduled', 'live'] });
          assert.deepEqual(ids(got).slice(0, 3).sort(), ids(scheduled).sort());
          assert.deepEqual(ids(got).slice(3).sort(), ids(live).sort());
          assert.deepEqual(await store.listSpaces({ states: [] }), []);
          const ended = await store.listSpaces({ states: ['ended'] });
          assert.deepEqual(
            ended.map((s) => s.state),
            ['ended'],
          );
        }),
      );

      void it(
        'limit cuts the ordered list',
        withStore(async ({ store }) => {
          const { live } = await seed(store);
          assert.deepEqual(ids(await store.listSpaces({ states: ['live'], limit: 2 })), [
            live[1]!.id,
            live[2]!.id,
          ]);
          const mixed = await store.listSpaces({ states: ['live', 'scheduled'], limit: 4 });
          assert.deepEqual(
            mixed.map((s) => s.state),
            ['live', 'live', 'live', 'scheduled'],
          );
        }),
      );

      void it(
        'without a limit at most 100 are listed, and never more than 500',
        withStore(async ({ store }) => {
          for (let i = 0; i < 501; i++) await store.createSpace(space({ state: 'live', startedAt: T0 + i }));
          assert.equal((await store.listSpaces({ states: ['live'] })).length, 100);
          assert.equal((await store.listSpaces({ states: ['live'], limit: 10_000 })).length, 500);
        }),
      );

      void it(
        'listed Spaces carry their reminderCount',
        withStore(async ({ store }) => {
          const { scheduled } = await seed(store);
          await store.addReminder(scheduled[0]!.id, uid());
          await store.addReminder(scheduled[0]!.id, uid());
          const got = await store.listSpaces({ states: ['scheduled'] });
          assert.equal(got.find((s) => s.id === scheduled[0]!.id)?.reminderCount, 2);
          assert.equal(got.find((s) => s.id === scheduled[1]!.id)?.reminderCount, 0);
        }),
      );
    });

    void describe('reminders', () => {
      void it(
        'adding and removing reminders is idempotent and returns the count',
        withStore(async ({ store }) => {
          const s = space();
          await store.createSpace(s);
          const [a, b] = [uid(), uid()];
          assert.equal(await store.addReminder(s.id, a), 1);
          assert.equal(await store.addReminder(s.id, a), 1);
          assert.equal(await store.addReminder(s.id, b), 2);
          assert.equal(await store.hasReminder(s.id, a), true);
          assert.equal((await store.getSpace(s.id))?.reminderCount, 2);
          assert.equal(await store.removeReminder(s.id, a), 1);
          assert.equal(await store.removeReminder(s.id, a), 1);
          assert.equal(await store.hasReminder(s.id, a), false);
          assert.equal(await store.hasReminder(s.id, b), true);
          assert.equal(await store.removeReminder(s.id, uid('never')), 1);
          assert.equal((await store.getSpace(s.id))?.reminderCount, 1);
        }),
      );

      void it(
        'reminders of one Space do not count for another',
        withStore(async ({ store }) => {
          const [s1, s2] = [space(), space()];
          await store.createSpace(s1);
          await store.createSpace(s2);
          const u = uid();
          await store.addReminder(s1.id, u);
          assert.equal(await store.hasReminder(s2.id, u), false);
          assert.equal((await store.getSpace(s2.id))?.reminderCount, 0);
          assert.equal(await store.addReminder(s2.id, u), 1);
        }),
      );

      void it(
        'concurrent reminders are all counted',
        withStore(async ({ store }) => {
          const s = space();
          await store.createSpace(s);
          const users = Array.from({ length: 50 }, () => uid());
          await Promise.all(users.map((u) => store.addReminder(s.id, u)));
          await Promise.all(users.map((u) => store.addReminder(s.id, u)));
          assert.equal((await store.getSpace(s.id))?.reminderCount, 50);
        }),
      );

      void it(
        'a reminder for an unknown Space is refused with space_not_found',
        withStore(async ({ store }) => {
          await rejectsWith(store.addReminder(sid('missing'), uid()), 'space_not_found');
        }),
      );

      void it(
        'updating a Space keeps its reminderCount',
        withStore(async ({ store }) => {
          const s = space({ state: 'scheduled' });
          await store.createSpace(s);
          await store.addReminder(s.id, uid());
          const updated = await store.updateSpace(s.id, { state: 'backstage' }, 'scheduled');
          assert.equal(updated?.reminderCount, 1);
        }),
      );
    });

    void describe('bans', () => {
      void it(
        'a ban is recorded, listed and idempotent (the first ban is kept)',
        withStore(async ({ store }) => {
          const s = space();
          const [u, mod, other] = [uid(), uid(), uid()];
          const ban = { spaceId: s.id, userId: u, bannedBy: mod, at: T0 + 10 };
          assert.equal(await store.isBanned(s.id, u), false);
          await store.addBan(ban);
          await store.addBan({ ...ban, bannedBy: other, at: T0 + 20 });
          assert.equal(await store.isBanned(s.id, u), true);
          assert.equal(await store.isBanned(s.id, other), false);
          assert.deepEqual(await store.listBans(s.id), [ban]);
        }),
      );

      void it(
        'bans are per Space and listed oldest first',
        withStore(async ({ store }) => {
          const [s1, s2] = [sid(), sid()];
          const [u1, u2, mod] = [uid(), uid(), uid()];
          const late = { spaceId: s1, userId: u1, bannedBy: mod, at: T0 + 50 };
          const early = { spaceId: s1, userId: u2, bannedBy: mod, at: T0 + 5 };
          await store.addBan(late);
          await store.addBan(early);
          assert.deepEqual(await store.listBans(s1), [early, late]);
          assert.deepEqual(await store.listBans(s2), []);
          assert.equal(await store.isBanned(s2, u1), false);
        }),
      );
    });

    runQuestionConformance(withStore, space);

    void describe('lifecycle', () => {
      void it(
        'close is idempotent and later calls reject',
        withStore(async ({ store }) => {
          await store.close();
          await store.close();
          await assert.rejects(store.getSpace(sid()));
          await assert.rejects(store.createAccount(account()));
        }),
      );

      void it(
        'everything written survives close and reopen',
        withStore(async (h, t) => {
          if (!h.reopen) return t.skip('this store is not durable (no reopen)');
          const a = account();
          const s = space({ state: 'live', startedAt: T0 });
          const u = uid();
          const ban = { spaceId: s.id, userId: uid(), bannedBy: u, at: T0 };
          await h.store.createAccount(a);
          await h.store.createSpace(s);
          await h.store.addReminder(s.id, u);
          await h.store.updateSpace(s.id, { title: 'renamed' }, 'live');
          await h.store.addBan(ban);
          const store = await h.reopen();
          assert.deepEqual(await store.getAccountByHandle(a.handle), a);
          assert.deepEqual(await store.getSpace(s.id), { ...s, title: 'renamed', reminderCount: 1 });
          assert.equal(await store.hasReminder(s.id, u), true);
          assert.deepEqual(await store.listBans(s.id), [ban]);
          await rejectsWith(store.createAccount(account({ handle: a.handle })), 'handle_taken');
        }),
      );
    });
  });
}
