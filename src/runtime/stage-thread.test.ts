/**
 * The threaded StagePlane with its real worker and real WebRTC peers (werift as the client):
 * forwarding between two speakers, frames and levels reaching the main thread, mute, errors
 * crossing the thread with their codes, session owners, log records, a worker crash and
 * recovery, and close() leaving nothing that keeps the process alive.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { threadId as mainThreadId } from 'node:worker_threads';
import type { AudioFrame } from '../protocol/audience.js';
import { LIMITS } from '../protocol/limits.js';
import { asSpaceId, asUserId, type SpaceId, type UserId } from '../protocol/ids.js';
import { RostraError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { retry, sleep } from '../../test/helpers/wait.js';
import { toneClient, toneLevelIn } from '../stage/testing/tone-client.js';
import { createStagePlane } from './stage-adapter.js';
import type { StagePlane } from './stage-plane.js';
import { ThreadedStagePlane } from './stage-thread.js';

const space = asSpaceId('s1');
const alice = asUserId('alice');
const bob = asUserId('bob');
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** retries `check` until it stops throwing or `timeoutMs` passes (media timing varies with load) */
const eventually = (check: () => void, timeoutMs = 10_000) => retry(async () => check(), timeoutMs);

/** a logger that keeps every record */
function recordingLogger(): Logger & { records: { level: string; obj: object; msg?: string }[] } {
  const records: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void records.push({ level, obj, msg });
  const logger = {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

/** a werift speaker publishing a tone through `plane`, recording what it receives per slot */
function speaker(plane: StagePlane, spaceId: SpaceId, user: UserId, freq: number) {
  return toneClient((offerSdp) => plane.createSession({ spaceId, userId: user, offerSdp }), freq, cleanups);
}

void test(
  'two speakers through the stage thread: forwarding, frames, levels, mute, owners, close',
  { timeout: 60_000 },
  async () => {
    const log = recordingLogger();
    const plane = new ThreadedStagePlane({ log, logLevel: 'info' });
    cleanups.push(() => plane.close());
    assert.notEqual(plane.threadId, null);
    assert.notEqual(plane.threadId, mainThreadId);
    const frames: AudioFrame[] = [];
    const levels: Record<string, number>[] = [];
    const slotEvents: [UserId, Record<string, UserId>][] = [];
    const publishing: [UserId, boolean][] = [];
    const closed: string[] = [];
    plane.events.on('frame', (_s, f) => frames.push(f));
    plane.events.on('levels', (_s, l) => levels.push(l));
    plane.events.on('slots', (_s, u, s) => slotEvents.push([u, s]));
    plane.events.on('publishing', (_s, u, up) => publishing.push([u, up]));
    plane.events.on('sessionClosed', (_s, _u, id) => closed.push(id));

    plane.openSpace(space, Date.now() - 60_000);
    plane.setAudible(space, [alice, bob]);
    const a = await speaker(plane, space, alice, 440);
    const b = await speaker(plane, space, bob, 1000);
    assert.deepEqual(plane.sessionOwner(a.sessionId), { spaceId: space, userId: alice });
    assert.deepEqual(plane.sessionOwner(b.sessionId), { spaceId: space, userId: bob });
    assert.equal(plane.sessionOwner('nobody'), undefined);

    await eventually(() => {
      assert.deepEqual(slotEvents.find(([u, s]) => u === alice && s['0'] === bob)?.[1], { 0: bob });
      assert.deepEqual(slotEvents.find(([u, s]) => u === bob && s['0'] === alice)?.[1], { 0: alice });
      assert.ok(toneLevelIn(a.received.get(0) ?? [], 1000) > 3000, 'alice hears bob');
      assert.ok(toneLevelIn(a.received.get(0) ?? [], 440) < 300, 'alice does not hear herself');
      assert.ok(toneLevelIn(b.received.get(0) ?? [], 440) > 3000, 'bob hears alice');
      const mix = frames.slice(-50).map((f) => f.opus);
      assert.ok(toneLevelIn(mix, 440) > 2000, 'the mix holds alice');
      assert.ok(toneLevelIn(mix, 1000) > 2000, 'the mix holds bob');
      assert.ok(
        levels.some((l) => (l.alice ?? 0) > 0.05 && (l.bob ?? 0) > 0.05),
        'levels of both',
      );
    }, 15_000);
    assert.deepEqual(
      publishing.filter(([, up]) => up).map(([u]) => u),
      [alice, bob],
    );
    // frames come every 20 ms on the Space's timeline, each with the Opus bytes it owns
    const last = frames.slice(-20);
    for (let i = 1; i < last.length; i++) assert.equal(last[i]!.seq, last[i - 1]!.seq + 1);
    assert.ok(last[0]!.seq >= 2900, `seq continues the timeline (got ${last[0]!.seq})`);
    for (const f of last) assert.equal(f.opus.byteLength, f.opus.buffer.byteLength);
    assert.ok(plane.stats().frames >= 20, `stats mirrored (${JSON.stringify(plane.stats())})`);
    // the worker's log records reach this thread's logger with their bindings
    assert.ok(
      log.records.some(
        (r) => r.msg === 'speaker session state' && (r.obj as { userId?: string }).userId === 'alice',
      ),
    );
    assert.ok(!log.records.some((r) => r.level === 'debug'), 'below the level: not posted');
    // the stage thread asked for nice -20 (default) and says whether it got it (root here may)
    const prio = log.records.find((r) => r.msg?.startsWith('stage thread priority'));
    assert.ok(prio, 'the priority outcome is logged');
    assert.equal((prio.obj as { nice?: number }).nice, -20);

    // server-side mute: bob is neither forwarded nor mixed
    plane.setAudible(space, [alice]);
    await sleep(300);
    const before = a.received.get(0)?.length ?? 0;
    const mark = frames.length;
    await sleep(1200);
    assert.ok((a.received.get(0)?.length ?? 0) - before < 5, 'a muted speaker is not forwarded');
    const after = frames.slice(mark + 10).map((f) => f.opus);
    assert.ok(toneLevelIn(after, 1000) < 300, 'nor mixed');
    assert.ok(toneLevelIn(after, 440) > 2000);

    // closing by id, then by user: owners follow, and the errors keep their codes
    await plane.closeSession(b.sessionId);
    assert.equal(plane.sessionOwner(b.sessionId), undefined);
    await assert.rejects(plane.closeSession(b.sessionId), (e) => {
      assert.ok(e instanceof RostraError);
      assert.equal(e.code, 'session_not_found');
      assert.equal(e.httpStatus, 404);
      return true;
    });
    plane.closeUser(space, alice);
    await eventually(() => assert.equal(plane.sessionOwner(a.sessionId), undefined), 5000);
    assert.deepEqual(closed.sort(), [a.sessionId, b.sessionId].sort());
    await eventually(() =>
      assert.deepEqual(
        publishing.slice(-2).map(([, up]) => up),
        [false, false],
      ),
    );

    await plane.close();
    await plane.close(); // idempotent
    assert.equal(plane.threadId, null);
    await assert.rejects(
      plane.createSession({ spaceId: space, userId: alice, offerSdp: 'v=0' }),
      (e) => e instanceof RostraError && e.code === 'stage_unavailable',
    );
    a.stop();
    b.stop();
  },
);

void test('a refused offer fails with the same code and status as in-process', async () => {
  const threaded = new ThreadedStagePlane({ log: silentLogger });
  const inProcess = createStagePlane(silentLogger);
  cleanups.push(
    () => threaded.close(),
    () => inProcess.close(),
  );
  const offers = [
    'hello',
    'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n',
    'v=0' + 'x'.repeat(LIMITS.maxSdpBytes),
  ];
  for (const offerSdp of offers) {
    const outcome = async (plane: StagePlane) => {
      try {
        await plane.createSession({ spaceId: space, userId: alice, offerSdp });
        return 'accepted';
      } catch (e) {
        assert.ok(e instanceof RostraError, `a RostraError, got ${String(e)}`);
        return `${e.code} ${e.httpStatus} ${e.message}`;
      }
    };
    const expected = await outcome(inProcess);
    assert.notEqual(expected, 'accepted');
    assert.equal(await outcome(threaded), expected);
  }
  await threaded.close();
  await inProcess.close();
});

void test(
  'a worker that dies is reported, its sessions end, and a new one takes over',
  { timeout: 45_000 },
  async () => {
    const log = recordingLogger();
    const plane = new ThreadedStagePlane({ log, logLevel: 'warn', maxRestarts: 1 });
    cleanups.push(() => plane.close());
    const frames: AudioFrame[] = [];
    const publishing: [UserId, boolean][] = [];
    const closed: UserId[] = [];
    plane.events.on('frame', (_s, f) => frames.push(f));
    plane.events.on('publishing', (_s, u, up) => publishing.push([u, up]));
    plane.events.on('sessionClosed', (_s, u) => closed.push(u));
    plane.openSpace(space, Date.now());
    plane.setAudible(space, [alice]);
    const a = await speaker(plane, space, alice, 440);
    await eventually(() => assert.deepEqual(publishing, [[alice, true]]));
    const firstThread = plane.threadId;

    await plane.simulateCrash();
    await eventually(() => assert.ok(log.records.some((r) => r.level === 'error')));
    assert.match(log.records.find((r) => r.level === 'error')?.msg ?? '', /stage worker died/);
    assert.deepEqual(publishing, [
      [alice, true],
      [alice, false],
    ]);
    assert.deepEqual(closed, [alice]);
    assert.equal(plane.sessionOwner(a.sessionId), undefined);
    assert.notEqual(plane.threadId, null);
    assert.notEqual(plane.threadId, firstThread);
    a.stop();

    // the open Space is replayed into the new worker: frames continue and a speaker can publish
    const mark = frames.length;
    await eventually(() => assert.ok(frames.length - mark > 10, 'frames again'));
    const a2 = await speaker(plane, space, alice, 440);
    await eventually(() =>
      assert.ok(
        toneLevelIn(
          frames.slice(-50).map((f) => f.opus),
          440,
        ) > 2000,
      ),
    );
    a2.stop();

    // beyond maxRestarts within a minute: stays down, calls fail with a stable code
    await plane.simulateCrash();
    await eventually(() => assert.equal(plane.threadId, null));
    await assert.rejects(
      plane.createSession({ spaceId: space, userId: alice, offerSdp: 'v=0' }),
      (e) => e instanceof RostraError && e.code === 'stage_unavailable' && e.httpStatus === 503,
    );
    await plane.close();
  },
);

void test('close() leaves nothing running: a process using the stage thread exits by itself', () => {
  const script = `
    import { ThreadedStagePlane } from ${JSON.stringify(new URL('./stage-thread.ts', import.meta.url).href)};
    import { silentLogger } from ${JSON.stringify(new URL('../core/log.ts', import.meta.url).href)};
    const plane = new ThreadedStagePlane({ log: silentLogger });
    plane.openSpace('s1');
    await new Promise((resolve) => plane.events.on('frame', resolve));
    await plane.close();
    console.log('closed');
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(run.stderr, '');
  assert.equal(run.stdout.trim(), 'closed');
  assert.equal(run.status, 0, 'exited on its own (no worker left, no crash on exit)');
});
