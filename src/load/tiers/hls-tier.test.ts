import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPlaylist } from './hls-tier.js';

void test('the next part and its mix time come from the preload hint and the program date-time', () => {
  const t0 = Date.parse('2026-11-23T20:00:00.000Z');
  const text = [
    '#EXTM3U',
    '#EXT-X-TARGETDURATION:1',
    '#EXT-X-PART-INF:PART-TARGET=0.2',
    '#EXT-X-PROGRAM-DATE-TIME:2026-11-23T20:00:00.000Z',
    '#EXT-X-PART:DURATION=0.2,URI="part-4.0.m4s",INDEPENDENT=YES',
    '#EXT-X-PART:DURATION=0.2,URI="part-4.1.m4s",INDEPENDENT=YES',
    '#EXTINF:1,',
    'seg-4.m4s',
    '#EXT-X-PROGRAM-DATE-TIME:2026-11-23T20:00:01.000Z',
    '#EXT-X-PART:DURATION=0.2,URI="part-5.0.m4s",INDEPENDENT=YES',
    '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-5.1.m4s"',
    '',
  ].join('\n');
  const view = readPlaylist(text);
  assert.deepEqual(view.hint, { msn: 5, index: 1, mixedAt: t0 + 1200 });
  assert.equal(view.partTargetMs, 200);
  assert.equal(view.ended, false);
  assert.equal(readPlaylist('#EXTM3U\n#EXT-X-ENDLIST\n').ended, true);
});
