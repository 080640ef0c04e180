/**
 * Recording and replay on the real server: a host speaks a 440 Hz tone over WebRTC (werift),
 * the Space ends, and the replay is there at once: VOD HLS (every segment fetched, decoded by
 * ffmpeg), the Ogg/Opus download, the timeline (who spoke when) and clips, with the listening
 * access rule and stable refusals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudioBatch } from '../../src/protocol/audience.js';
import { toneIn, decodeReplay as decode } from '../helpers/replay-audio.js';
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
const get = (path: string, token?: string) =>
  fetch(server.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function newSpace(body: object) {
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Rec', ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.space.id as string;
  const stage = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
  await stage.waitType('welcome');
  return { host, id, stage };
}

void test(
  'the replay of a Space is ready the moment it ends, whole, and holds the speaker',
  { timeout: 60_000 },
  async () => {
    const { host, id, stage } = await newSpace({ allowAnonymous: true });
    // a listener from before go_live counts every frame the live audience got
    const listener = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`);
    await listener.waitType('welcome');
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    const pending = await api(server.url, 'GET', `/v1/spaces/${id}/replay/playlist.m3u8`);
    assert.equal(pending.status, 404);
    assert.equal(pending.body.error.code, 'recording_not_found');
    assert.equal((await stage.command({ type: 'unmute' })).type, 'ack'); // the host starts muted
    await sleep(500);
    const speaker = await publishTone(server.url, id, host.token, { freq: 440 });
    await sleep(4000);
    await speaker.close();
    await sleep(600);
    assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
    await listener.waitType('ended');
    await sleep(100); // the last batch
    // the replay starts when the Space went live: backstage frames are left out
    const startedAt = (await api(server.url, 'GET', `/v1/spaces/${id}`)).body.space.startedAt as number;
    const live = listener.binary
      .flatMap((b) => decodeAudioBatch(new Uint8Array(b)) ?? [])
      .filter((f) => f.mixedAt >= startedAt);
    // one mixer run: seq +1 per 20 ms; a tick the loaded machine skipped is a seq jump, which
    // the replay must show as a gap of that length (silence), not hide
    const liveMs = ((live.at(-1)!.seq - live[0]!.seq + 1) >>> 0) * 20;
    const skippedMs = liveMs - live.length * 20;

    // the VOD playlist, at once
    const pl = await get(`/v1/spaces/${id}/replay/playlist.m3u8`);
    assert.equal(pl.status, 200);
    assert.equal(pl.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    const playlist = await pl.text();
    assert.match(playlist, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.match(playlist, /#EXT-X-ENDLIST\n$/);
    const uris = playlist.split('\n').filter((l) => l && !l.startsWith('#'));
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)?.[1];
    assert.ok(init);
    let extinf = 0;
    for (const m of playlist.matchAll(/#EXTINF:([\d.]+),/g)) extinf += Number(m[1]);
    // every segment is there, immutable
    for (const uri of [init, ...uris]) {
      const r = await get(`/v1/spaces/${id}/replay/${uri}`);
      assert.equal(r.status, 200, uri);
      assert.equal(r.headers.get('content-type'), 'audio/mp4');
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.ok((await r.arrayBuffer()).byteLength > 0);
    }
    const timeline = (await api(server.url, 'GET', `/v1/spaces/${id}/replay/timeline`)).body;
    assert.equal(timeline.status, 'finished');
    assert.equal(timeline.startedAt, live[0]!.mixedAt, 'the replay starts with the first live frame');
    assert.equal(timeline.repaired, false);
    const gapMs = timeline.gaps.reduce((sum: number, g: any) => sum + g.durationMs, 0);
    assert.ok(
      Math.abs(gapMs - skippedMs) <= 40,
      `gaps ${JSON.stringify(timeline.gaps)}, skipped ${skippedMs} ms`,
    );
    assert.equal(
      (playlist.match(/#EXT-X-GAP/g) ?? []).length,
      timeline.gaps.filter((g: any) => g.durationMs > 0).length,
    );
    assert.ok(Math.abs(extinf * 1000 - timeline.durationMs) < 1, `${extinf} s listed`);
    // the live audience got the same length, within a frame or two
    assert.ok(liveMs > 4000, `live ${liveMs} ms`);
    assert.ok(
      Math.abs(timeline.durationMs - liveMs) <= 40,
      `replay ${timeline.durationMs} ms, live ${liveMs} ms`,
    );

    // ffmpeg plays the VOD HLS from the first to the last frame
    const hls = await decode(`${server.url}/v1/spaces/${id}/replay/playlist.m3u8`);
    assert.equal(hls.code, 0, hls.stderr);
    const hlsMs = hls.stdout.length / 96;
    assert.ok(
      Math.abs(hlsMs - timeline.durationMs) <= 40,
      `HLS decodes to ${hlsMs} ms of ${timeline.durationMs}`,
    );

    // the host's tone is in it, where the timeline says the host spoke
    const me = timeline.speakers.find((s: any) => s.userId === host.id);
    assert.ok(me, JSON.stringify(timeline.speakers));
    assert.equal(me.handle, host.handle, 'the timeline names who spoke');
    const spoke = me.intervals.reduce((sum: number, [a, b]: number[]) => sum + (b! - a!), 0);
    assert.ok(spoke > 3000 && spoke < 5500, `spoke ${spoke} ms`);
    const [a, b] = me.intervals[0] as [number, number];
    const middle = hls.stdout.subarray(Math.round((a + 500) * 96), Math.round((b - 500) * 96));
    assert.ok(toneIn(middle) > 0.8, `440 Hz ratio ${toneIn(middle)}`);
    const before = hls.stdout.subarray(0, Math.max(0, a - 300) * 96);
    assert.ok(before.length < 9600 || toneIn(before) < 0.1, `no tone before the speaker: ${toneIn(before)}`);

    // the download: same audio, as an attachment
    const dl = await get(`/v1/spaces/${id}/replay.opus`);
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-type'), 'audio/ogg');
    assert.equal(dl.headers.get('content-disposition'), `attachment; filename="${id}.opus"`);
    const whole = Buffer.from(await dl.arrayBuffer());
    assert.equal(dl.headers.get('accept-ranges'), 'bytes');
    // Range: a player reads the last page for the duration, and seeks
    const tail = await fetch(`${server.url}/v1/spaces/${id}/replay.opus`, {
      headers: { range: 'bytes=-500' },
    });
    assert.equal(tail.status, 206);
    assert.equal(
      tail.headers.get('content-range'),
      `bytes ${whole.length - 500}-${whole.length - 1}/${whole.length}`,
    );
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), whole.subarray(whole.length - 500));
    const mid = await fetch(`${server.url}/v1/spaces/${id}/replay.opus`, {
      headers: { range: 'bytes=100-199' },
    });
    assert.equal(mid.status, 206);
    assert.deepEqual(Buffer.from(await mid.arrayBuffer()), whole.subarray(100, 200));
    const past = await fetch(`${server.url}/v1/spaces/${id}/replay.opus`, {
      headers: { range: `bytes=${whole.length}-` },
    });
    assert.equal(past.status, 416);
    assert.equal(((await past.json()) as any).error.code, 'range_not_satisfiable');
    assert.equal(past.headers.get('content-range'), `bytes */${whole.length}`);
    const ogg = await decode(`${server.url}/v1/spaces/${id}/replay.opus`);
    assert.equal(ogg.code, 0, ogg.stderr);
    assert.ok(Math.abs(ogg.stdout.length / 96 - timeline.durationMs) <= 40);
    assert.ok(toneIn(ogg.stdout.subarray(Math.round((a + 500) * 96), Math.round((b - 500) * 96))) > 0.8);

    // clips: 2 s from inside the speech decode to 2 s of tone; bounds refused with stable codes
    const clip = await fetch(`${server.url}/v1/spaces/${id}/clips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ startMs: a + 500, durationMs: 2000 }),
    });
    assert.equal(clip.status, 200);
    assert.equal(clip.headers.get('content-type'), 'audio/ogg');
    const clipFile = `${server.dataDir}/clip.opus`;
    (await import('node:fs')).writeFileSync(clipFile, Buffer.from(await clip.arrayBuffer()));
    const c = await decode(clipFile);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(Math.abs(c.stdout.length / 96 - 2000) <= 27, `clip ${c.stdout.length / 96} ms`);
    assert.ok(toneIn(c.stdout) > 0.8, `clip tone ${toneIn(c.stdout)}`);
    const refused: [object, number, string][] = [
      [{ startMs: 0, durationMs: 61_000 }, 400, 'invalid_field'],
      [{ startMs: timeline.durationMs - 1000, durationMs: 2000 }, 400, 'clip_out_of_range'],
      [{ startMs: timeline.durationMs + 10, durationMs: 1000 }, 400, 'clip_out_of_range'],
      [{ startMs: -5, durationMs: 1000 }, 400, 'invalid_field'],
      [{ startMs: 0, durationMs: 1000, extra: 1 }, 400, 'invalid_field'],
    ];
    for (const [body, status, code] of refused) {
      const r = await api(server.url, 'POST', `/v1/spaces/${id}/clips`, { body });
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error.code, code, JSON.stringify(body));
    }
    stage.close();
    listener.close();
  },
);

void test(
  'replays follow the listening rule: sign-in when anonymous is off, bans hold, none unrecorded',
  { timeout: 30_000 },
  async () => {
    const { id, stage } = await newSpace({ allowAnonymous: false });
    const bob = await signUp(server.url, 'bob');
    const carol = await signUp(server.url, 'carol');
    const bobListen = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`, bob.token);
    await bobListen.waitType('welcome');
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    await sleep(1000);
    assert.equal((await stage.command({ type: 'ban', userId: bob.id })).type, 'ack');
    assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
    await sleep(100);
    const path = `/v1/spaces/${id}/replay/playlist.m3u8`;
    const anon = await api(server.url, 'GET', path);
    assert.equal(anon.status, 403);
    assert.equal(anon.body.error.code, 'anonymous_not_allowed');
    const banned = await api(server.url, 'GET', `/v1/spaces/${id}/replay/timeline`, { token: bob.token });
    assert.equal(banned.status, 403);
    assert.equal(banned.body.error.code, 'banned');
    const clip = await api(server.url, 'POST', `/v1/spaces/${id}/clips`, {
      token: bob.token,
      body: { startMs: 0, durationMs: 500 },
    });
    assert.equal(clip.body.error.code, 'banned');
    // carol may: the media URIs carry a signed media token of this Space, never her account
    // token (which would end up in proxy and CDN logs)
    const ok = await get(path, carol.token);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'private, no-cache');
    const text = await ok.text();
    assert.ok(!text.includes(carol.token), 'the account token is not in the playlist');
    const seg = text.split('\n').find((l) => /\?media=\d+\.[\w-]{22}$/.test(l) && !l.startsWith('#'));
    assert.ok(seg, text);
    const forged = seg.replace(/media=(\d+)\.[\w-]{22}/, 'media=$1.AAAAAAAAAAAAAAAAAAAAAA');
    const refused = await fetch(`${server.url}/v1/spaces/${id}/replay/${forged}`);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as any).error.code, 'media_token_invalid');
    const r = await fetch(`${server.url}/v1/spaces/${id}/replay/${seg}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'private, max-age=31536000, immutable');
    // a player's burst of segment requests is not held to the per-address API limit (burst 60)
    const burst = await Promise.all(
      Array.from({ length: 80 }, () =>
        fetch(`${server.url}/v1/spaces/${id}/replay/${seg}`).then((x) => x.status),
      ),
    );
    assert.deepEqual(new Set(burst), new Set([200]));
    const stale = await get(`/v1/spaces/${id}/replay/r0/seg-0.m4s`, carol.token);
    assert.equal(stale.status, 404);
    assert.equal(((await stale.json()) as any).error.code, 'not_found');
    stage.close();
    bobListen.close();

    const off = await newSpace({ allowAnonymous: true, recording: false });
    assert.equal((await off.stage.command({ type: 'go_live' })).type, 'ack');
    await sleep(300);
    assert.equal((await off.stage.command({ type: 'end_space' })).type, 'ack');
    const none = await api(server.url, 'GET', `/v1/spaces/${off.id}/replay.opus`);
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'recording_not_found');
    const missing = await api(server.url, 'GET', `/v1/spaces/nosuchspace1/replay/timeline`);
    assert.equal(missing.body.error.code, 'space_not_found');
    off.stage.close();
  },
);
