/**
 * CaptionEngine conformance suite: every engine adapter runs these cases (style.md §7).
 *
 *   runCaptionEngineConformance('pocketsphinx', () => new PocketsphinxEngine(), speak);
 *
 * `speak(text)` gives that sentence as 16 kHz mono PCM (tests use espeak-ng). Recognition
 * quality is an engine's own business (docs/benchmarks.md measures it); the suite asks only
 * that a clear sentence yields some of its words, at the right times, and that the stream's
 * lifecycle (backpressure, flush on close, idempotent close) holds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTION_SAMPLE_RATE, type CaptionEngine, type CaptionStream, type CaptionText } from './captions.js';

/** ms a case waits for the engine */
const CASE_TIMEOUT_MS = 120_000;

const silence = (ms: number) => new Int16Array((ms * CAPTION_SAMPLE_RATE) / 1000);
const durationMs = (pcm: Int16Array) => (pcm.length * 1000) / CAPTION_SAMPLE_RATE;

function join(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Writes `pcm` in 100 ms chunks, honouring backpressure; resolves when all is written. */
async function feed(stream: CaptionStream, pcm: Int16Array): Promise<void> {
  const chunk = CAPTION_SAMPLE_RATE / 10;
  for (let at = 0; at < pcm.length; at += chunk) {
    if (!stream.write(pcm.subarray(at, at + chunk))) {
      await new Promise<void>((resolve) => stream.events.once('drain', resolve));
    }
  }
}

/** Feeds, closes, and returns every final and partial the stream emitted. */
async function recognise(engine: CaptionEngine, pcm: Int16Array) {
  const stream = engine.open();
  const finals: CaptionText[] = [];
  const partials: CaptionText[] = [];
  const errors: Error[] = [];
  let closed = 0;
  stream.events.on('final', (c) => finals.push(c));
  stream.events.on('partial', (c) => partials.push(c));
  stream.events.on('error', (e) => errors.push(e));
  stream.events.on('closed', () => closed++);
  await feed(stream, pcm);
  await stream.close();
  assert.deepEqual(errors, [], 'no errors');
  assert.equal(closed, 1, "'closed' once");
  return { finals, partials, stream };
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** share of `reference`'s words that appear anywhere in `heard` */
function recall(reference: string, heard: string): number {
  const got = new Set(wordsOf(heard));
  const ref = wordsOf(reference);
  return ref.filter((w) => got.has(w)).length / ref.length;
}

export function runCaptionEngineConformance(
  name: string,
  makeEngine: () => CaptionEngine,
  speak: (text: string) => Int16Array,
): void {
  const sentence = 'the meeting starts at nine';
  const other = 'i think this is a very good idea';

  describe(`CaptionEngine conformance: ${name}`, { timeout: CASE_TIMEOUT_MS }, () => {
    it('a clear sentence is a final with some of its words, lower case, at stream ms; silence beside it gives none', async () => {
      const engine = makeEngine();
      const speech = speak(sentence);
      const pcm = join(silence(1000), speech, silence(1500));
      // two streams at once: each hears only its own audio
      const [spoken, quiet] = await Promise.all([recognise(engine, pcm), recognise(engine, silence(3000))]);
      const { finals, partials } = spoken;
      const heard = finals.map((f) => f.text).join(' ');
      assert.ok(finals.length >= 1, 'at least one final');
      assert.ok(recall(sentence, heard) >= 0.3, `heard "${heard}" for "${sentence}"`);
      let last = 0;
      for (const f of finals) {
        assert.equal(f.text, f.text.toLowerCase());
        assert.doesNotMatch(f.text, /<|>|\[|\(|\s{2}|^\s|\s$/, 'no filler tokens or stray spaces');
        assert.ok(f.startMs >= 600, `starts ${f.startMs} ms, after ~1000 ms of silence`);
        assert.ok(f.startMs <= f.endMs && f.startMs >= last, 'ordered');
        assert.ok(f.endMs <= durationMs(pcm) + 100, `ends ${f.endMs} ms within ${durationMs(pcm)} ms`);
        last = f.endMs;
      }
      assert.ok(finals[0]!.startMs <= 1000 + durationMs(speech), 'the first final is the sentence');
      if (engine.partials) {
        assert.ok(partials.length >= 1, 'partials before the final');
        assert.ok(partials[0]!.startMs <= finals[finals.length - 1]!.endMs);
      } else {
        assert.deepEqual(partials, [], 'an engine without partials emits none');
      }
      assert.deepEqual(quiet.finals, [], 'silence gives no final');
    });

    it('two sentences apart are two finals, in order, the second after the pause', async () => {
      const first = speak(sentence);
      const pcm = join(silence(500), first, silence(2500), speak(other), silence(1500));
      const { finals } = await recognise(makeEngine(), pcm);
      assert.ok(finals.length >= 2, `${finals.length} finals`);
      const afterPause = 500 + durationMs(first) + 1000;
      assert.ok(
        finals.some((f) => f.startMs >= afterPause),
        'one final starts after the pause',
      );
      assert.ok(
        finals.some((f) => f.endMs <= afterPause),
        'one final ends before it',
      );
    });

    it('close() flushes the utterance in progress when the audio stops mid-speech', async () => {
      const { finals } = await recognise(makeEngine(), join(silence(500), speak(sentence)));
      assert.ok(finals.length >= 1, 'the last utterance was flushed by close()');
    });

    it('write beyond what the engine buffers returns false, then drain comes', async () => {
      const stream = makeEngine().open();
      let full = false;
      // 30 s at once: far more than any pipe or queue an engine may hold without saying so
      for (let i = 0; i < 300 && !full; i++) full = !stream.write(silence(100));
      assert.ok(full, 'write returned false');
      await new Promise<void>((resolve) => stream.events.once('drain', resolve));
      await stream.close();
    });

    it('close() is idempotent and write after close throws', async () => {
      const stream = makeEngine().open();
      stream.write(silence(200));
      const a = stream.close();
      const b = stream.close();
      await Promise.all([a, b]);
      await stream.close();
      assert.throws(() => stream.write(silence(100)), /closed/);
    });
  });
}
