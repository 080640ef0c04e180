import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../core/log.js';
import { asSpaceId } from '../../protocol/ids.js';
import { toneFrames } from '../../audience/ogg/testkit.js';
import type { AudioFrame } from '../../protocol/audience.js';
import type { FrameSink } from '../stage-plane.js';
import { HlsOggTiers } from './hls-ogg.js';

const space = asSpaceId('spaceAAAAAAA');
const q = new URLSearchParams();

function tiers(retainMs = 60_000): { tiers: HlsOggTiers; hls: FrameSink; ogg: FrameSink } {
  const t = new HlsOggTiers({ secret: randomBytes(32), log: silentLogger, retainMs });
  const [hls, ogg] = t.sinks.map((f) => f.create({ id: space, recording: false }));
  assert.ok(hls && ogg);
  return { tiers: t, hls, ogg };
}

function feed(sinks: FrameSink[], frames: AudioFrame[]): void {
  for (const f of frames) for (const s of sinks) s.push(f);
}

/** a PageSink that keeps what it is given */
function collector() {
  const chunks: Uint8Array[] = [];
  let ended = false;
  return {
    chunks,
    get ended() {
      return ended;
    },
    sink: {
      writableLength: 0,
      destroyed: false,
      write: (c: Uint8Array) => chunks.push(c) > 0,
      end: () => void (ended = true),
      once: () => undefined,
    },
  };
}

void describe('hls and ogg tiers', () => {
  void it('feeds both packagers from the sinks and serves them by Space', async () => {
    const { tiers: t, hls, ogg } = tiers();
    const listener = collector();
    t.ogg(space)?.attach(listener.sink);
    feed([hls, ogg], toneFrames(120));
    const playlist = await t.hls(space, 'playlist.m3u8', q);
    assert.equal(playlist?.status, 200);
    // toneFrames start at seq 1000: segment numbers follow the seq (msn = seq / 100)
    assert.match(String(playlist?.body), /part-11\.0\.m4s/);
    assert.equal(await t.hls(asSpaceId('otherAAAAAAA'), 'playlist.m3u8', q), null);
    // the header pages (one write) at attach, then 12 pages of 10 frames
    assert.equal(listener.chunks.length, 1 + 12);
    // one request reached a stream (the other Space has none here: not counted)
    assert.deepEqual(t.stats(), { hlsStreams: 1, oggStreams: 1, oggListeners: 1, hlsRequests: 1 });
    t.close();
  });

  void it('an ended Space keeps its HLS stream (with ENDLIST) after close, until retention ends', async () => {
    const { tiers: t, hls, ogg } = tiers(200);
    const listener = collector();
    t.ogg(space)?.attach(listener.sink);
    feed([hls, ogg], toneFrames(60));
    hls.end();
    ogg.end();
    assert.equal(listener.ended, true, 'the EOS page ends Ogg listeners');
    hls.push(toneFrames(1)[0] as AudioFrame); // a straggler frame after the end is ignored
    hls.close();
    ogg.close();
    assert.equal(t.ogg(space), null, 'the Ogg stream is gone with the runtime');
    const ended = await t.hls(space, 'playlist.m3u8', q);
    assert.match(String(ended?.body), /#EXT-X-ENDLIST/);
    assert.equal(ended?.headers['cache-control'], 'public, max-age=3600');
    // the room loaded again on this node: the ended stream is kept, no new empty one
    assert.equal(t.sinks[0]?.create({ id: space, recording: false }), null);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await t.hls(space, 'playlist.m3u8', q), null, 'freed after retainMs');
    // the request for the ended stream counted; the one after it was freed did not
    assert.deepEqual(t.stats(), { hlsStreams: 0, oggStreams: 0, oggListeners: 0, hlsRequests: 1 });
  });

  void it('a Space closed without ending (shutdown, failover) drops both streams at once', async () => {
    const { tiers: t, hls, ogg } = tiers();
    const listener = collector();
    t.ogg(space)?.attach(listener.sink);
    feed([hls, ogg], toneFrames(30));
    hls.close();
    ogg.close();
    assert.equal(await t.hls(space, 'playlist.m3u8', q), null);
    assert.equal(t.ogg(space), null);
    assert.equal(listener.ended, true, 'open Ogg responses are ended');
  });

  void it('a new runtime for a live Space replaces a stale stream', async () => {
    const { tiers: t, hls } = tiers();
    feed([hls], toneFrames(60));
    const fresh = t.sinks[0]?.create({ id: space, recording: false });
    assert.ok(fresh);
    const res = await t.hls(space, 'playlist.m3u8', q);
    assert.doesNotMatch(String(res?.body), /#EXT-X-PART:/, 'the fresh stream has no parts yet');
    hls.close(); // the old runtime's late close does not drop the new stream
    assert.ok(await t.hls(space, 'init.mp4', q));
    t.close();
  });
});
