import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { decodeAudioBatch, type AudioFrame } from '../../protocol/audience.js';
import { ERRORS } from '../../protocol/errors.js';
import { AudienceFanout } from './fanout.js';
import { connectClient, startFanoutServer, toneFrames, waitFor, type TestClient } from './test-kit.js';

const SOFT = 32 * 1024;
const HARD = 256 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

void test('a paused listener is skipped, then dropped with too_slow, while the others stay on time', async () => {
  const fanout = new AudienceFanout({
    windowFrames: 3,
    maxWindowFrames: 3,
    softLimitBytes: SOFT,
    hardLimitBytes: HARD,
    slowGraceMs: 400,
    closeGraceMs: 3000,
  });
  const server = await startFanoutServer(fanout);
  try {
    const fast = [await connectClient(server.url), await connectClient(server.url)];
    const slow = await connectClient(server.url);
    await waitFor(() => fanout.size === 3);
    const slowServerSide = server.accepted[2]!;
    // stop reading: the kernel buffers fill, then the server's user-space buffer grows
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    // ~1.2 KB real Opus packets (510 kbps) so the kernel buffers fill in well under a second
    const pool = toneFrames(60, 440, 0, 510_000);
    let seq = 0;
    let maxSlowBuffered = 0;
    const pushedAt: number[] = [];
    const received = (c: TestClient) =>
      c.binary.flatMap((b, i) =>
        decodeAudioBatch(new Uint8Array(b))!.map((f) => ({ seq: f.seq, at: c.binaryAt[i]! })),
      );
    // three frames = one turn of each of the three lanes, so after each call every socket is up to date
    const pushBatch = () => {
      for (let i = 0; i < 3; i++) {
        const f: AudioFrame = { ...pool[seq % pool.length]!, seq, mixedAt: Date.now() };
        pushedAt[seq] = Date.now();
        fanout.push(f);
        seq++;
      }
      maxSlowBuffered = Math.max(maxSlowBuffered, slowServerSide.bufferedAmount);
    };

    // phase 1: faster than real time until the slow socket crosses the soft limit
    for (let n = 0; fanout.stats().skippedSends === 0; n++) {
      assert.ok(n < 20_000, 'the slow socket never crossed the soft limit');
      pushBatch();
      if (n % 4 === 0) await sleep(1);
    }
    const filled = seq;
    await waitFor(() => fast.every((c) => received(c).length === filled), 5000, 'fast clients drain');

    // phase 2: real time (one batch per 60 ms) until the slow socket is dropped, then 10 more
    const realTimeFrom = seq;
    let after = -1;
    while (after < 10) {
      pushBatch();
      if (fanout.stats().slowDrops > 0) after++;
      assert.ok(seq < filled + 3 * 200, 'the slow socket was never dropped');
      await sleep(60);
    }
    await waitFor(() => fast.every((c) => received(c).length === seq), 2000);

    const stats = fanout.stats();
    assert.equal(stats.slowDrops, 1);
    assert.ok(stats.skippedSends >= 5, `skipped ${stats.skippedSends}`);
    assert.equal(fanout.size, 2);
    // the others got every frame once and in order, each within 150 ms of the push that completed its batch
    let worst = 0;
    for (const c of fast) {
      const got = received(c);
      assert.deepEqual(
        got.map((f) => f.seq),
        Array.from({ length: seq }, (_, i) => i),
      );
      for (const f of got) {
        const batchDone = pushedAt[f.seq - (f.seq % 3) + 2]!;
        if (f.seq >= realTimeFrom) worst = Math.max(worst, f.at - batchDone);
      }
    }
    assert.ok(worst < 150, `a fast listener waited ${worst} ms for a batch`);
    // user-space memory for the slow socket stayed bounded: soft limit + at most one batch
    assert.ok(maxSlowBuffered < SOFT + 4096, `slow socket buffered ${maxSlowBuffered} bytes`);
    console.log(
      `# slow listener: skipped ${stats.skippedSends} batches, max buffered ${maxSlowBuffered} B, ` +
        `fast listeners' worst batch latency ${worst} ms`,
    );

    // once it reads again it finds the stable close code behind its backlog
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    const closed = await slow.closed;
    assert.equal(closed.code, ERRORS.too_slow.ws);
    assert.equal(closed.reason, 'too_slow');
  } finally {
    fanout.close();
    await server.close();
  }
});

void test('a socket over the hard byte cap is dropped at once and terminated if it never reads', async () => {
  const fanout = new AudienceFanout({
    windowFrames: 1,
    softLimitBytes: 1024,
    hardLimitBytes: 2048,
    slowGraceMs: 60_000,
    closeGraceMs: 200,
  });
  const server = await startFanoutServer(fanout);
  try {
    const slow = await connectClient(server.url);
    await waitFor(() => fanout.size === 1);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const serverSide = server.accepted[0]!;
    const drops: string[] = [];
    fanout.events.on('drop', (_s, meta, reason) => drops.push(`${meta.userId}:${reason}`));
    // bulletins are not skipped (they may say 'ended'), so a stuck socket grows until the cap
    const levels: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) levels[`speaker-${i}`] = i / 2000; // ~45 KB of JSON
    for (let n = 0; fanout.size > 0; n++) {
      assert.ok(n < 5_000, 'never dropped');
      fanout.bulletin({ type: 'levels', levels: { ...levels, n } });
      if (n % 50 === 0) await sleep(1);
    }
    assert.deepEqual(drops, ['u0:too_slow']);
    assert.equal(fanout.stats().slowDrops, 1);
    await waitFor(() => serverSide.readyState === serverSide.CLOSED, 2000, 'terminate after closeGraceMs');
  } finally {
    fanout.close();
    await server.close();
  }
});
