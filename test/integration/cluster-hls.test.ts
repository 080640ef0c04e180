/**
 * LL-HLS on a cluster in one process (MemoryBroker, MemoryLeases, one SQLite store): every
 * node that has a Space packages it, and because segment and part numbers, decode times and
 * fragment sequence numbers come from the frames' seq (which the mixer takes from the Space's
 * timeline), every node serves the same playlist entries and the same part bytes for the same
 * URI — across a failover too, where the new home's seq continues past the gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMemoryCluster } from '../helpers/mem-cluster.js';
import { ListenProbe } from '../../src/cluster/testing/listen-probe.js';
import { api, signUp, TestSocket } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

async function liveSpace(url: string): Promise<string> {
  const host = await signUp(url, 'host');
  const res = await api(url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'HLS' } });
  const spaceId: string = res.body.space.id;
  const live = await api(url, 'POST', `/v1/spaces/${spaceId}/actions`, {
    token: host.token,
    body: { type: 'go_live' },
  });
  assert.equal(live.status, 200);
  return spaceId;
}

/** the Space's HLS root on any node (the media token verifies on every node) */
async function hlsRoot(url: string, spaceId: string): Promise<string> {
  const media = await api(url, 'GET', `/v1/spaces/${spaceId}/media`);
  assert.equal(media.status, 200, JSON.stringify(media.body));
  return String(media.body.hls).replace(/playlist\.m3u8$/, '');
}

async function get(url: string): Promise<{ status: number; text: string; bytes: Buffer }> {
  const res = await fetch(url, { headers: { connection: 'close' } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, text: bytes.toString('utf8'), bytes };
}

/** a playlist's media lines (after EXT-X-MAP), from the entry of `firstSeg` on */
function entriesFrom(playlist: string, firstSeg: number): string[] {
  const lines = playlist.split('\n');
  const body = lines.slice(lines.indexOf('#EXT-X-MAP:URI="init.mp4"') + 1);
  const segAt = body.indexOf(`seg-${firstSeg}.m4s`);
  assert.ok(segAt >= 0, `seg-${firstSeg} listed`);
  // an entry starts after the previous segment's URI line
  let start = segAt;
  while (start > 0 && !/^seg-\d+\.m4s$/.test(body[start - 1] ?? '')) start--;
  return body.slice(start);
}

const segmentsOf = (playlist: string): number[] =>
  [...playlist.matchAll(/^seg-(\d+)\.m4s$/gm)].map((m) => Number(m[1]));

/**
 * Asks every node for the playlist once part `next` exists (a blocking reload, as a player
 * does), then checks that from `fromSeg` on the entries are the same lines and every part and
 * segment listed there has the same bytes on every node.
 */
async function assertNodesAgree(
  roots: string[],
  fromSeg: number,
  mayDiffer: (uri: string) => boolean = () => false,
): Promise<{ playlist: string; differ: string[] }> {
  const first = (await get(roots[0] + 'playlist.m3u8')).text;
  const hint = /PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(first);
  assert.ok(hint, first);
  const q = `playlist.m3u8?_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}`;
  const playlists = await Promise.all(roots.map(async (r) => (await get(r + q)).text));
  const tails = playlists.map((p) => entriesFrom(p, fromSeg));
  for (const t of tails.slice(1)) assert.deepEqual(t, tails[0], 'the same playlist lines on every node');
  const uris = (tails[0] ?? []).flatMap((l) => {
    if (/^seg-\d+\.m4s$/.test(l)) return [l];
    const m = /^#EXT-X-PART:.*URI="([^"]+)"(?!.*GAP=YES)/.exec(l);
    return m?.[1] ? [m[1]] : [];
  });
  assert.ok(uris.length >= 5, `${uris.length} URIs compared`);
  let compared = 0;
  const differ: string[] = [];
  for (const uri of uris) {
    const bodies = await Promise.all(roots.map((r) => get(r + uri)));
    if (bodies.some((b) => b.status !== 200)) {
      // only a GAP segment may be missing, and then on every node
      assert.ok(
        bodies.every((b) => b.status === 404),
        `${uri}: ${bodies.map((b) => b.status).join(',')}`,
      );
      continue;
    }
    if (bodies.slice(1).every((b) => b.bytes.equals(bodies[0]!.bytes))) compared++;
    else differ.push(uri);
  }
  assert.ok(compared >= 5);
  assert.ok(differ.every(mayDiffer), `byte-identical on every node, except: ${differ.join(' ')}`);
  return { playlist: playlists[0] ?? '', differ };
}

test('two nodes serve the same LL-HLS playlist lines and the same part bytes for a Space', async () => {
  const c = await startMemoryCluster(2);
  try {
    const [a, b] = c.nodes.map((n) => n.url) as [string, string];
    const spaceId = await liveSpace(a);
    assert.equal(c.homeOf(spaceId), 'node0');
    // a listener on node1 makes it hold the Space: it packages the frames it gets over the bus
    const listener = await TestSocket.open(b, `/v1/spaces/${spaceId}/listen`);
    await listener.waitType('welcome');
    const roots = [a + (await hlsRoot(a, spaceId)), b + (await hlsRoot(b, spaceId))];
    // node1 started later, at a segment boundary: wait until it has two complete segments
    await until(
      async () => segmentsOf((await get(roots[1] + 'playlist.m3u8')).text).length >= 2,
      10_000,
      'node1 segments',
    );
    const fromSeg = segmentsOf((await get(roots[1] + 'playlist.m3u8')).text)[0] ?? -1;
    const { playlist } = await assertNodesAgree(roots, fromSeg);
    // the numbering is the seq's: msn × 100 frames × 20 ms after the Space's creation
    const created = (await api(a, 'GET', `/v1/spaces/${spaceId}`)).body.space.createdAt as number;
    const msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1]);
    const expected = Math.floor((Date.now() - created) / 2000);
    assert.ok(Math.abs(msn - expected) <= 7, `msn ${msn}, ${expected} segments since creation`);
    listener.close();
  } finally {
    await c.stop();
  }
});

test('after a failover the new home continues the seq, and the surviving nodes agree on the gap segments', async () => {
  // the gap is at least ttl − one renew interval (250 ms) = 4.75 s = 237 frames: more than the
  // 199 that always hold one whole 100-frame segment
  const ttl = 5_000;
  const c = await startMemoryCluster(3, { config: { homeLeaseMs: ttl } });
  try {
    const [a, b, d] = c.nodes.map((n) => n.url) as [string, string, string];
    const spaceId = await liveSpace(a);
    const sockets = await Promise.all([b, d].map((u) => TestSocket.open(u, `/v1/spaces/${spaceId}/listen`)));
    await Promise.all(sockets.map((s) => s.waitType('welcome')));
    const probe = new ListenProbe(440);
    sockets[0]!.ws.on('message', (data, isBinary) => {
      if (isBinary) probe.batch(data as Buffer);
    });
    const roots = [b + (await hlsRoot(b, spaceId)), d + (await hlsRoot(d, spaceId))];
    await until(
      async () => segmentsOf((await get(roots[1] + 'playlist.m3u8')).text).length >= 1,
      10_000,
      'segments',
    );
    await until(() => probe.frames.length > 10, 5000, 'frames on node1');
    const cutAt = Date.now();
    c.cut(0);
    // the new home's first frame: the first seq jump of more than 1 s (frames the edge got before
    // the cut may still reach the socket after it)
    const jump = (): number =>
      probe.frames.findIndex((f, i) => i > 0 && f.seq - probe.frames[i - 1]!.seq > 50);
    await until(() => jump() > 0, 15_000, 'frames from the new home');
    const firstAfter = probe.frames[jump()]!;
    const lastBefore = probe.frames[jump() - 1]!.seq;
    const gapMs = firstAfter.at - cutAt;
    // the new home's seq is the Space's timeline: it jumps by the gap instead of restarting
    assert.ok(
      firstAfter.seq - lastBefore >= (gapMs - 600) / 20,
      `seq ${lastBefore} -> ${firstAfter.seq} after ${gapMs} ms`,
    );
    const gapMsnFrom = Math.floor(lastBefore / 100) + 1;
    const gapMsnTo = Math.floor(firstAfter.seq / 100) - 1;
    assert.ok(
      gapMsnTo >= gapMsnFrom,
      `a whole segment without frames: seq ${lastBefore} -> ${firstAfter.seq}`,
    );
    // wait until the segment after the gap is complete on both nodes
    await until(
      async () =>
        (await Promise.all(roots.map(async (r) => segmentsOf((await get(r + 'playlist.m3u8')).text)))).every(
          (segs) => segs.includes(gapMsnTo + 2),
        ),
      10_000,
      'a segment after the gap',
    );
    const listed = segmentsOf((await get(roots[0] + 'playlist.m3u8')).text);
    // the segment the old home died in: each node completes it with concealment after the last
    // frame IT received, and a partition may have cut the last batch to one node and not the
    // other; its lines (timing) agree, its last part's bytes may not
    const cutSegment = new RegExp(`^(part|seg)-${gapMsnFrom - 1}\\.`);
    const { playlist, differ } = await assertNodesAgree(
      roots,
      Math.max(gapMsnFrom - 1, listed[0] ?? 0),
      (uri) => cutSegment.test(uri),
    );
    if (differ.length > 0) console.log(`differ after the partition: ${differ.join(' ')}`);
    const gaps = [...playlist.matchAll(/#EXT-X-GAP\n#EXTINF:2,\nseg-(\d+)\.m4s/g)].map((m) => Number(m[1]));
    const listedFrom = segmentsOf(playlist)[0] ?? 0;
    const expected: number[] = [];
    for (let m = Math.max(gapMsnFrom, listedFrom); m <= gapMsnTo; m++) expected.push(m);
    assert.deepEqual(gaps, expected, 'exactly the segments without frames are EXT-X-GAP');
    assert.ok(!playlist.includes('#EXT-X-DISCONTINUITY'));
    for (const s of sockets) s.close();
  } finally {
    await c.stop();
  }
});
