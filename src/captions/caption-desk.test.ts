import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../core/log.js';
import { CaptionDesk, type SpeakerCaption } from './caption-desk.js';
import { ScriptedEngine } from './testing/scripted-engine.js';

/** 200 ms of 16 kHz audio, as the mixer's tap reports it */
const chunk = () => new Int16Array(3200);
const T0 = 1_700_000_000_000;

function desk(options: { queueMs?: number; now?: () => number } = {}) {
  const engine = new ScriptedEngine();
  const d = new CaptionDesk({ engine, log: silentLogger, ...options });
  const got: SpeakerCaption[] = [];
  d.events.on('caption', (c) => got.push(c));
  return { engine, d, got };
}

describe('CaptionDesk', () => {
  it('opens one engine stream per speaker and maps stream ms to the time the audio was mixed', () => {
    const { engine, d, got } = desk();
    for (let i = 1; i <= 5; i++)
      d.push(T0 + i * 200, [
        { id: 'alice', pcm: chunk() },
        { id: 'bob', pcm: chunk() },
      ]);
    assert.equal(engine.streams.length, 2);
    assert.equal(engine.streams[0]!.samples, 5 * 3200, 'every sample reached the engine');
    engine.streams[1]!.hear('hello there', 250, 900);
    // the first chunk ends at T0 + 200, so it starts at T0: stream ms 250 is T0 + 250
    assert.deepEqual(got, [
      { speakerId: 'bob', text: 'hello there', startAt: T0 + 250, endAt: T0 + 900, final: true },
    ]);
  });

  it('an engine that falls behind loses the oldest queued audio, never more than the queue; later times stay right', () => {
    const { engine, d, got } = desk({ queueMs: 1000 });
    d.push(T0 + 200, [{ id: 'a', pcm: chunk() }]);
    const s = engine.streams[0]!;
    s.full = true;
    d.push(T0 + 400, [{ id: 'a', pcm: chunk() }]); // written, then the engine says it is full
    for (let i = 3; i <= 12; i++) d.push(T0 + i * 200, [{ id: 'a', pcm: chunk() }]); // 10 chunks = 2 s
    assert.equal(s.samples, 2 * 3200, 'nothing written while full');
    assert.equal(d.stats().droppedMs, 1000, 'the queue kept 1 s, dropped the oldest 1 s');
    s.drain();
    assert.equal(s.samples, 7 * 3200, 'the queued second went in after drain');
    // stream ms 400 is the first chunk after the gap: it was mixed at T0 + 1400 (chunk 8 of 12)
    s.hear('after the gap', 400, 600);
    assert.deepEqual(
      got.map((c) => [c.startAt - T0, c.endAt - T0]),
      [[1400, 1600]],
    );
  });

  it('a speaker whose audio stops (off stage) has their stream closed, and a new one when they return', () => {
    const { engine, d } = desk();
    d.push(T0 + 200, [
      { id: 'a', pcm: chunk() },
      { id: 'b', pcm: chunk() },
    ]);
    d.push(T0 + 400, [{ id: 'a', pcm: chunk() }]);
    assert.equal(engine.streams[1]!.closed, true, "b's stream closed");
    assert.equal(d.stats().speakers, 1);
    d.push(T0 + 600, [
      { id: 'a', pcm: chunk() },
      { id: 'b', pcm: chunk() },
    ]);
    assert.equal(engine.streams.length, 3);
  });

  it('a failed stream is reopened on the next audio after the back-off, not before', () => {
    let now = T0;
    const { engine, d } = desk({ now: () => now });
    d.push(T0 + 200, [{ id: 'a', pcm: chunk() }]);
    engine.streams[0]!.fail();
    d.push(T0 + 400, [{ id: 'a', pcm: chunk() }]);
    assert.equal(engine.streams.length, 1, 'not reopened within 5 s');
    now += 5000;
    d.push(T0 + 5200, [{ id: 'a', pcm: chunk() }]);
    assert.equal(engine.streams.length, 2, 'reopened');
    assert.equal(d.stats().failures, 1);
  });

  it('close() closes every stream, is idempotent, and later audio is ignored', async () => {
    const { engine, d } = desk();
    d.push(T0 + 200, [{ id: 'a', pcm: chunk() }]);
    await Promise.all([d.close(), d.close()]);
    assert.equal(engine.streams[0]!.closed, true);
    d.push(T0 + 400, [{ id: 'a', pcm: chunk() }]);
    assert.equal(engine.streams.length, 1);
  });
});
