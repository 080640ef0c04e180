/**
 * The HTTP audience tiers on the real server: signed media URLs (admission, buckets, refusals),
 * LL-HLS through the routes (headers, blocking reload, parts, end), Ogg/Opus until the end.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenSecret } from '../../src/control/auth/index.js';
import { MediaTokens } from '../../src/control/media-tokens.js';
import { asSpaceId } from '../../src/protocol/ids.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ hostGraceMs: 300 });
});
after(async () => {
  await server.stop();
});

async function liveSpace(extra: object = {}) {
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Radio', ...extra },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const space = res.body.space as { id: string };
  const stage = await TestSocket.open(server.url, `/v1/spaces/${space.id}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  return { host, space, stage };
}

const get = (path: string, init?: RequestInit) => fetch(server.url + path, init);

test('an admitted listener gets media URLs that everyone in the bucket shares', async () => {
  const { space, stage } = await liveSpace({ allowAnonymous: true });
  const alice = await signUp(server.url, 'alice');
  const a = await api(server.url, 'GET', `/v1/spaces/${space.id}/media`, { token: alice.token });
  const b = await api(server.url, 'GET', `/v1/spaces/${space.id}/media`);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(b.status, 200);
  assert.deepEqual(a.body, b.body, 'a signed-in and an anonymous listener share one URL');
  assert.match(a.body.hls, new RegExp(`^/v1/spaces/${space.id}/hls/\\d+\\.[\\w-]{22}/playlist\\.m3u8$`));
  assert.match(a.body.ogg, new RegExp(`^/v1/spaces/${space.id}/listen\\.opus\\?media=\\d+\\.[\\w-]{22}$`));
  assert.ok(a.body.expiresAt > Date.now() + 100 * 60_000, 'valid for at least ttl - bucket');
  assert.equal(a.headers.get('cache-control'), 'private, no-store');
  stage.close();
});

test('media URLs follow the listen admission rules: anonymous setting and bans', async () => {
  const { space, stage } = await liveSpace({ allowAnonymous: false });
  const anon = await api(server.url, 'GET', `/v1/spaces/${space.id}/media`);
  assert.equal(anon.status, 403);
  assert.equal(anon.body.error.code, 'anonymous_not_allowed');
  const bob = await signUp(server.url, 'bob');
  const bobListen = await TestSocket.open(server.url, `/v1/spaces/${space.id}/listen`, bob.token);
  await bobListen.waitType('welcome');
  assert.equal((await stage.command({ type: 'ban', userId: bob.id })).type, 'ack');
  const banned = await api(server.url, 'GET', `/v1/spaces/${space.id}/media`, { token: bob.token });
  assert.equal(banned.status, 403);
  assert.equal(banned.body.error.code, 'banned');
  const missing = await api(server.url, 'GET', `/v1/spaces/nosuchspace1/media`, { token: bob.token });
  assert.equal(missing.status, 404);
  stage.close();
});

test('bad, forged and other-Space media tokens are refused with stable codes and never cached', async () => {
  const one = await liveSpace({ allowAnonymous: true });
  const two = await liveSpace({ allowAnonymous: true });
  const urls = (await api(server.url, 'GET', `/v1/spaces/${one.space.id}/media`)).body;
  const token = (urls.hls as string).split('/')[5] as string;
  const cases: [string, number, string][] = [
    [`/v1/spaces/${two.space.id}/hls/${token}/playlist.m3u8`, 403, 'media_token_invalid'],
    [`/v1/spaces/${one.space.id}/hls/garbage/playlist.m3u8`, 403, 'media_token_invalid'],
    [
      `/v1/spaces/${one.space.id}/hls/${token.replace(/^\d+/, (e) => String(Number(e) + 600))}/init.mp4`,
      403,
      'media_token_invalid',
    ],
    [`/v1/spaces/${two.space.id}/listen.opus?media=${token}`, 403, 'media_token_invalid'],
    [`/v1/spaces/${one.space.id}/listen.opus`, 403, 'media_token_invalid'],
  ];
  // a token another node (same secret) issued 3 h ago is correctly signed but expired
  const secret = await loadTokenSecret({ dataDir: server.dataDir });
  const old = new MediaTokens({ secret, now: () => Date.now() - 3 * 3600_000 }).issue(
    asSpaceId(one.space.id),
  );
  cases.push([`/v1/spaces/${one.space.id}/hls/${old.token}/playlist.m3u8`, 401, 'media_token_expired']);
  cases.push([`/v1/spaces/${one.space.id}/listen.opus?media=${old.token}`, 401, 'media_token_expired']);
  // and one it issued now is accepted here: verification needs no shared state but the secret
  const fresh = new MediaTokens({ secret }).issue(asSpaceId(one.space.id));
  const init = await get(`/v1/spaces/${one.space.id}/hls/${fresh.token}/init.mp4`);
  assert.equal(init.status, 200);
  await init.arrayBuffer();
  for (const [path, status, code] of cases) {
    const res = await get(path);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(res.status, status, path);
    assert.equal(body.error.code, code, path);
    assert.equal(res.headers.get('cache-control'), 'no-store', path);
  }
  one.stage.close();
  two.stage.close();
});

test('LL-HLS through the server: cache headers, blocking reload, parts, CORS, no API rate limit', async () => {
  const { space, stage } = await liveSpace({ allowAnonymous: true });
  const { hls } = (await api(server.url, 'GET', `/v1/spaces/${space.id}/media`)).body as { hls: string };
  const base = hls.replace(/playlist\.m3u8$/, '');
  const init = await get(base + 'init.mp4');
  assert.equal(init.status, 200);
  assert.equal(init.headers.get('content-type'), 'audio/mp4');
  assert.equal(init.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(init.headers.get('access-control-allow-origin'), '*');
  assert.equal(
    Buffer.from(await init.arrayBuffer())
      .subarray(4, 8)
      .toString(),
    'ftyp',
  );

  const head = await get(base + 'init.mp4', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('cache-control'), 'public, max-age=31536000, immutable');

  // segment numbers follow the frames' seq (the Space's timeline): the packager starts at the
  // first segment boundary (<= 2 s); then block until part 2 of its first segment exists
  let msn: number | undefined;
  for (let tries = 0; msn === undefined && tries < 40; tries++) {
    const first = /URI="part-(\d+)\.0\.m4s",INDEPENDENT/.exec(await (await get(hls)).text());
    if (first) msn = Number(first[1]);
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(msn !== undefined, 'a first part within 4 s');
  const t0 = Date.now();
  const blocked = await get(hls + `?_HLS_msn=${msn}&_HLS_part=2`);
  const text = await blocked.text();
  assert.equal(blocked.status, 200, text);
  assert.equal(blocked.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  assert.equal(blocked.headers.get('cache-control'), 'public, max-age=2');
  assert.ok(text.includes(`#EXT-X-PART:DURATION=0.4,URI="part-${msn}.2.m4s"`), text);
  assert.ok(Date.now() - t0 < 6000);
  const part = await get(base + `part-${msn}.2.m4s`);
  assert.equal(part.status, 200);
  assert.equal(part.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(
    Buffer.from(await part.arrayBuffer())
      .subarray(4, 8)
      .toString(),
    'moof',
  );

  const live = await get(hls);
  assert.equal(live.headers.get('cache-control'), 'public, max-age=1');
  const missing = await get(base + 'part-900.0.m4s');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('cache-control'), 'no-store');

  // far more requests than the per-address API burst (60): media is not rate limited
  const many = await Promise.all(Array.from({ length: 150 }, () => get(base + 'init.mp4')));
  assert.deepEqual([...new Set(many.map((r) => r.status))], [200]);
  await Promise.all(many.map((r) => r.arrayBuffer()));

  assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
  // after the runtime is gone (1 s), the ended playlist stays readable with EXT-X-ENDLIST
  await new Promise((r) => setTimeout(r, 1500));
  const ended = await get(hls);
  assert.equal(ended.status, 200);
  assert.equal(ended.headers.get('cache-control'), 'public, max-age=3600');
  assert.match(await ended.text(), /#EXT-X-ENDLIST\s*$/);
  stage.close();
});

test('Ogg/Opus over HTTP: header pages first, pages while live, the response ends with the Space', async () => {
  const { space, stage } = await liveSpace({ allowAnonymous: true });
  const { ogg } = (await api(server.url, 'GET', `/v1/spaces/${space.id}/media`)).body as { ogg: string };
  const head = await get(ogg, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), 'audio/ogg');
  assert.equal(await head.text(), '');
  const res = await get(ogg);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/ogg');
  assert.equal(res.headers.get('cache-control'), 'no-cache, no-store');
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  const readAll = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      chunks.push(Buffer.from(value));
    }
  })();
  const pages = (): number => Buffer.concat(chunks).toString('latin1').split('OggS').length - 1;
  // header pages + 5 data pages (200 ms each) while live
  for (let t = 0; pages() < 7 && t < 100; t++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(pages() >= 7, `pages while live: ${pages()}`);
  assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
  await Promise.race([
    readAll,
    new Promise((_, reject) => setTimeout(() => reject(new Error('the Ogg response did not end')), 5000)),
  ]);
  const all = Buffer.concat(chunks);
  assert.equal(all.subarray(0, 4).toString(), 'OggS');
  assert.equal(all.subarray(28, 36).toString(), 'OpusHead');
  // pages: count OggS capture patterns; the last page carries the EOS flag (0x04)
  const starts: number[] = [];
  for (let i = all.indexOf('OggS'); i >= 0; i = all.indexOf('OggS', i + 4)) starts.push(i);
  assert.equal((all[starts.at(-1)! + 5]! & 0x04) !== 0, true, 'last page is end-of-stream');
  stage.close();
});
