/**
 * Switching recording on and off during a live Space (set_recording), on the real server: a
 * host speaks a 440 Hz tone over WebRTC (werift); recording runs ~2 s, is off ~1.5 s, on ~2 s,
 * then the Space ends. The replay shows the off time as one marked gap (silence, EXT-X-GAP),
 * listeners see the switch in their snapshots, a malformed switch is refused, and ffmpeg decodes
 * the download.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runFfmpeg } from '../../src/audience/ogg/testkit.js';
import { toneIn, longestGap } from '../helpers/replay-audio.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone } from '../helpers/werift-speaker.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ hostGraceMs: 60_000 });
});
after(async () => {
  await server.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** waits for a snapshot, received from now on, whose space.recording is `on` */
function recordingSeen(socket: TestSocket, on: boolean): Promise<unknown> {
  const from = socket.messages.length;
  return socket.waitFor(
    (m) => socket.messages.indexOf(m) >= from && m.type === 'snapshot' && m.snapshot.space.recording === on,
    3000,
    `recording ${on}`,
  );
}

void test(
  'the host switches recording off and on during a live Space: the replay marks the off time as a gap',
  { timeout: 60_000 },
  async (t) => {
    const host = await signUp(server.url, 'host');
    const res = await api(server.url, 'POST', '/v1/spaces', {
      token: host.token,
      body: { title: 'Switch', allowAnonymous: true, recording: true },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.space.id as string;
    const stage = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
    await stage.waitType('welcome');
    const listener = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`);
    assert.equal((await listener.waitType('welcome')).snapshot.space.recording, true);
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
    const speaker = await publishTone(server.url, id, host.token, { freq: 440 });

    // only the host switches (permission refusals: src/core/space/recording.test.ts)
    stage.ws.send(JSON.stringify({ type: 'set_recording', on: 'no' }));
    assert.equal((await stage.waitType('error')).code, 'invalid_field');

    await sleep(2000);
    const seenOff = recordingSeen(listener, false);
    assert.equal((await stage.command({ type: 'set_recording', on: false })).type, 'ack');
    const offAt = Date.now();
    await seenOff;
    assert.equal((await api(server.url, 'GET', `/v1/spaces/${id}`)).body.space.recording, false);
    await sleep(1500);
    const seenOn = recordingSeen(listener, true);
    assert.equal((await stage.command({ type: 'set_recording', on: true })).type, 'ack');
    const offMs = Date.now() - offAt;
    await seenOn;
    await sleep(2000);
    await speaker.close();
    assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
    await listener.waitType('ended');
    listener.close();
    stage.close();
    await sleep(100);

    const timeline = (await api(server.url, 'GET', `/v1/spaces/${id}/replay/timeline`)).body;
    assert.equal(timeline.status, 'finished');
    const gaps = timeline.gaps as { atMs: number; durationMs: number }[];
    const longest = longestGap(gaps);
    // the off time, as measured between the two acks, within the frames in flight (±250 ms)
    assert.ok(
      Math.abs(longest.durationMs - offMs) <= 250,
      `gap ${JSON.stringify(longest)} for ${offMs} ms off; gaps ${JSON.stringify(gaps)}`,
    );
    assert.ok(longest.atMs > 1500 && longest.atMs < 2600, `the gap starts at ${longest.atMs} ms`);
    // the replay keeps wall time: ~2 s + the gap + ~2 s
    assert.ok(
      timeline.durationMs > offMs + 3500 && timeline.durationMs < offMs + 5000,
      `replay ${timeline.durationMs} ms, off ${offMs} ms`,
    );
    t.diagnostic(`off ${offMs} ms -> gap ${JSON.stringify(longest)}, replay ${timeline.durationMs} ms`);
    const playlist = await (await fetch(`${server.url}/v1/spaces/${id}/replay/playlist.m3u8`)).text();
    assert.ok((playlist.match(/#EXT-X-GAP/g) ?? []).length >= 1, playlist);

    // ffmpeg decodes the download: the tone before and after the gap, silence in it
    const ogg = await runFfmpeg(
      ['-i', `${server.url}/v1/spaces/${id}/replay.opus`, '-f', 's16le', '-ac', '1', '-ar', '48000', '-'],
      30_000,
    );
    assert.equal(ogg.code, 0, ogg.stderr);
    const pcm = ogg.stdout;
    assert.ok(Math.abs(pcm.length / 96 - timeline.durationMs) <= 40, `${pcm.length / 96} ms decoded`);
    const at = (ms: number) => Math.round(ms * 96);
    const gapEnd = longest.atMs + longest.durationMs;
    const inGap = pcm.subarray(at(longest.atMs + 100), at(gapEnd - 100));
    assert.ok(
      inGap.every((b) => b === 0),
      'the gap decodes to digital silence',
    );
    const after = pcm.subarray(at(gapEnd + 400), at(gapEnd + 1400));
    assert.ok(toneIn(after) > 0.8, `440 Hz after the gap: ${toneIn(after)}`);
    const beforeGap = pcm.subarray(at(longest.atMs - 1200), at(longest.atMs - 200));
    assert.ok(toneIn(beforeGap) > 0.8, `440 Hz before the gap: ${toneIn(beforeGap)}`);
  },
);
