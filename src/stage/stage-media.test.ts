/**
 * StageMedia against real WebRTC peers (werift as the client, on this machine's addresses):
 * WHIP-style answer, forwarding between speakers, never one's own voice, server-side mute,
 * and the mix holding both speakers. The browser version is test/e2e/stage-two-speakers.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioFrame } from '../protocol/audience.js';
import { asSpaceId, asUserId, type UserId } from '../protocol/ids.js';
import { StageMedia } from './stage-media.js';
import { RTCPeerConnection } from 'werift';
import { retry, sleep } from '../../test/helpers/wait.js';
import { toneClient, toneLevelIn } from './testing/tone-client.js';

const space = asSpaceId('s1');
/** everything a test opened, closed after the file even when a test fails midway */
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function client(media: StageMedia, user: UserId, freq: number) {
  return toneClient(
    (offerSdp) => media.createSession({ spaceId: space, userId: user, offerSdp }),
    freq,
    cleanups,
  );
}

/** retries `check` until it stops throwing or `timeoutMs` passes (media timing varies with load) */
const eventually = (check: () => void, timeoutMs = 10_000) => retry(async () => check(), timeoutMs);

void test(
  'two speakers hear each other on their slots, never themselves, and the mix holds both',
  { timeout: 30_000 },
  async () => {
    const media = new StageMedia();
    const slotEvents: [string, Record<number, UserId>][] = [];
    media.events.on('slots', (_s, user, slots) => slotEvents.push([user, slots]));
    const frames: AudioFrame[] = [];
    media.events.on('frame', (_s, f) => frames.push(f));
    const a = await client(media, asUserId('alice'), 440);
    const b = await client(media, asUserId('bob'), 1000);
    try {
      await sleep(1500);
      await eventually(() => {
        assert.deepEqual(slotEvents.at(-1), ['bob', { 0: 'alice' }]);
        assert.deepEqual(slotEvents.find(([u, s]) => u === 'alice' && s[0] === 'bob')?.[1], { 0: 'bob' });
        // alice hears bob's 1 kHz on slot 0 and nothing else; bob hears alice's 440 Hz
        assert.deepEqual([...a.received.keys()], [0]);
        assert.deepEqual([...b.received.keys()], [0]);
        assert.ok(toneLevelIn(a.received.get(0) ?? [], 1000) > 3000, 'alice hears bob');
        assert.ok(toneLevelIn(a.received.get(0) ?? [], 440) < 300, 'alice does not hear herself');
        assert.ok(toneLevelIn(b.received.get(0) ?? [], 440) > 3000, 'bob hears alice');
        // the mix holds both tones
        assert.ok(
          toneLevelIn(
            frames.slice(-50).map((f) => f.opus),
            440,
          ) > 2000,
        );
        assert.ok(
          toneLevelIn(
            frames.slice(-50).map((f) => f.opus),
            1000,
          ) > 2000,
        );
      });

      media.setMuted(space, asUserId('bob'), true);
      const before = a.received.get(0)?.length ?? 0;
      const mark = frames.length;
      await sleep(1200);
      assert.ok((a.received.get(0)?.length ?? 0) - before < 5, 'a muted speaker is not forwarded');
      assert.ok(
        toneLevelIn(
          frames.slice(mark + 10).map((f) => f.opus),
          1000,
        ) < 300,
        'nor mixed',
      );
      assert.ok(
        toneLevelIn(
          frames.slice(mark + 10).map((f) => f.opus),
          440,
        ) > 2000,
      );
      const stats = media.mixerStats(space);
      assert.ok((stats?.speakers.alice?.received ?? 0) > 50);
    } finally {
      a.stop();
      b.stop();
      await media.close();
      await a.pc.close();
      await b.pc.close();
    }
  },
);

void test('a session that never connects times out and is cleaned up', { timeout: 10_000 }, async () => {
  const media = new StageMedia({ connectTimeoutMs: 300 });
  const pc = new RTCPeerConnection({ iceServers: [], iceUseIpv6: false, bundlePolicy: 'max-bundle' });
  pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  while (pc.iceGatheringState !== 'complete') await sleep(20);
  const closed = new Promise<string>((resolve) =>
    media.events.on('sessionClosed', (_s, user) => resolve(user)),
  );
  const { sessionId } = await media.createSession({
    spaceId: space,
    userId: asUserId('ghost'),
    offerSdp: pc.localDescription?.sdp ?? '',
  });
  assert.equal(media.sessionCount, 1);
  // the client never applies the answer
  assert.equal(await closed, 'ghost');
  assert.equal(media.sessionCount, 0);
  await assert.rejects(media.closeSession(sessionId), { code: 'session_not_found' });
  await pc.close();
  await media.close();
});

void test('an offer that is not SDP is refused with invalid_field and leaves nothing behind', async () => {
  const media = new StageMedia();
  await assert.rejects(media.createSession({ spaceId: space, userId: asUserId('x'), offerSdp: 'hello' }), {
    code: 'invalid_field',
  });
  await assert.rejects(
    media.createSession({
      spaceId: space,
      userId: asUserId('x'),
      offerSdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n',
    }),
    { code: 'invalid_field' },
  );
  assert.equal(media.sessionCount, 0);
  await media.close();
  await media.close(); // idempotent
  await assert.rejects(
    media.createSession({ spaceId: space, userId: asUserId('x'), offerSdp: 'v=0' }),
    /closed/,
  );
});

void test(
  'a speaker reconnecting replaces their old session and keeps their slot at the others',
  { timeout: 30_000 },
  async () => {
    const media = new StageMedia();
    const closed: string[] = [];
    media.events.on('sessionClosed', (_s, user) => closed.push(user));
    const publishing: [string, boolean][] = [];
    media.events.on('publishing', (_s, user, on) => publishing.push([user, on]));
    const a = await client(media, asUserId('alice'), 440);
    const b1 = await client(media, asUserId('bob'), 1000);
    await sleep(300);
    const b2 = await client(media, asUserId('bob'), 1000);
    try {
      await sleep(800);
      assert.deepEqual(closed, ['bob']);
      assert.equal(media.sessionCount, 2);
      const before = a.received.get(0)?.length ?? 0;
      await sleep(400);
      assert.ok((a.received.get(0)?.length ?? 0) - before > 10, 'alice hears the new session on slot 0');
      assert.ok(toneLevelIn(a.received.get(0) ?? [], 1000) > 3000);
      assert.deepEqual(
        publishing.filter(([u]) => u === 'bob'),
        [
          ['bob', true],
          ['bob', false],
          ['bob', true],
        ],
      );
      await media.closeUser(space, asUserId('bob'));
      assert.equal(media.sessionCount, 1);
    } finally {
      for (const c of [a, b1, b2]) c.stop();
      await media.close();
      await Promise.all([a, b1, b2].map((c) => c.pc.close()));
    }
  },
);

void test(
  'a connected speaker whose media stops is closed after the RTP timeout',
  { timeout: 20_000 },
  async () => {
    const media = new StageMedia({ rtpTimeoutMs: 600 });
    cleanups.push(() => media.close());
    const closed = new Promise<string>((resolve) =>
      media.events.on('sessionClosed', (_s, user) => resolve(user)),
    );
    const a = await client(media, asUserId('vanishing'), 440);
    await sleep(300);
    assert.equal(media.sessionCount, 1, 'alive while sending');
    a.stop(); // the browser stops sending without closing anything
    const t0 = Date.now();
    assert.equal(await closed, 'vanishing');
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(media.sessionCount, 0);
  },
);
