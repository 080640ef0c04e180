import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder, Encoder } from '@evan/opus';
import { MixerCore } from './mixer-core.js';
import { sine, toneLevel } from '../../test/helpers/audio-goertzel.js';

/** Encodes a tone as a speaker's browser would: 20 ms Opus packets. */
function opusPackets(freq: number, amplitude: number, seconds: number): Uint8Array[] {
  const enc = new Encoder({ channels: 1, sample_rate: 48_000, application: 'voip' });
  const pcm = sine(freq, amplitude, seconds);
  const out: Uint8Array[] = [];
  for (let off = 0; off + 960 <= pcm.length; off += 960)
    out.push(new Uint8Array(enc.encode(pcm.subarray(off, off + 960))));
  return out;
}

function decodeAll(packets: Uint8Array[]): Int16Array {
  const dec = new Decoder({ channels: 1, sample_rate: 48_000 });
  const parts = packets.map((p) => {
    const b = dec.decode(p);
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  });
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function run(core: MixerCore, speakers: Record<string, Uint8Array[]>, ticks: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = 0; t < ticks; t++) {
    for (const [id, pkts] of Object.entries(speakers)) {
      const p = pkts[t];
      if (p) core.push(id, (1000 + t) & 0xffff, p);
    }
    out.push(core.tick());
  }
  return out;
}

void test('the mix of a 440 Hz and a 1 kHz speaker holds both tones after real Opus', () => {
  const core = new MixerCore();
  const frames = run(core, { a: opusPackets(440, 8000, 1), b: opusPackets(1000, 8000, 1) }, 50);
  const pcm = decodeAll(frames).subarray(10 * 960);
  const l440 = toneLevel(pcm, 440);
  const l1000 = toneLevel(pcm, 1000);
  const l700 = toneLevel(pcm, 700);
  assert.ok(l440 > 4000, `440 Hz ${l440}`);
  assert.ok(l1000 > 4000, `1 kHz ${l1000}`);
  assert.ok(l700 < l440 / 20, `700 Hz (absent) ${l700}`);
});

void test('a muted speaker is not in the mix', () => {
  const core = new MixerCore();
  core.setMuted('b', true);
  const frames = run(core, { a: opusPackets(440, 8000, 1), b: opusPackets(1000, 8000, 1) }, 50);
  const pcm = decodeAll(frames).subarray(10 * 960);
  assert.ok(toneLevel(pcm, 440) > 4000);
  assert.ok(toneLevel(pcm, 1000) < 200, `1 kHz ${toneLevel(pcm, 1000)}`);
  assert.equal(core.speakerStats().b?.received, 0, 'muted packets are dropped, not buffered');
});

void test('two loud speakers do not clip the decoded mix', () => {
  const core = new MixerCore();
  const frames = run(core, { a: opusPackets(440, 30_000, 1), b: opusPackets(1000, 30_000, 1) }, 50);
  const pcm = decodeAll(frames);
  let atRail = 0;
  for (const v of pcm) if (Math.abs(v) >= 32767) atRail++;
  assert.equal(atRail, 0, 'no sample at full scale');
  assert.ok(toneLevel(pcm.subarray(10 * 960), 440) > 10_000);
});

void test('nobody speaking still yields one small Opus frame per tick', () => {
  const core = new MixerCore();
  const frames = run(core, {}, 10);
  assert.equal(frames.length, 10);
  assert.equal(core.framesProduced, 10);
  assert.equal(core.framesWithVoice, 0);
  for (const f of frames) assert.ok(f.length > 0 && f.length < 60, `silence frame ${f.length} B`);
  const pcm = decodeAll(frames);
  assert.equal(pcm.length, 10 * 960);
  assert.ok(pcm.every((v) => Math.abs(v) < 50));
});

void test('levels report each speaker loudness between 0 and 1', () => {
  const core = new MixerCore();
  run(core, { loud: opusPackets(440, 20_000, 0.3), quiet: opusPackets(1000, 2000, 0.3) }, 10);
  const levels = core.takeLevels();
  assert.ok((levels.loud ?? 0) > 0.4 && (levels.loud ?? 0) <= 1, `loud ${levels.loud}`);
  assert.ok((levels.quiet ?? 0) > 0.02 && (levels.quiet ?? 0) < 0.15, `quiet ${levels.quiet}`);
  const again = core.takeLevels();
  assert.equal(again.loud, 0, 'levels reset after each report');
});

void test('stats count packets received and lost per speaker', () => {
  const core = new MixerCore();
  const pkts = opusPackets(440, 8000, 0.4);
  const holey = pkts.map((p, i) => (i % 5 === 3 ? undefined : p)) as Uint8Array[];
  run(core, { a: holey }, 20);
  const s = core.speakerStats().a;
  assert.equal(s?.received, 16);
  assert.equal(s?.lost, 4);
});

test('the speech tap gives each speaker their own audio at 16 kHz, silence while muted, nothing when off', () => {
  const core = new MixerCore();
  const a = opusPackets(440, 8000, 1);
  const b = opusPackets(1000, 8000, 1);
  assert.deepEqual((run(core, { a, b }, 5), core.takeSpeech()), [], 'off by default');
  core.setSpeechTap(true);
  core.setMuted('b', true);
  run(core, { a: a.slice(5), b: b.slice(5) }, 25);
  const chunks = core.takeSpeech();
  const byId = Object.fromEntries(chunks.map((c) => [c.id, c.pcm]));
  assert.deepEqual(Object.keys(byId).sort(), ['a', 'b']);
  assert.equal(byId.a!.length, 25 * 320, '320 samples per 20 ms tick');
  assert.equal(byId.b!.length, 25 * 320);
  const tail = byId.a!.subarray(10 * 320);
  const own = toneLevel(tail, 440, 16_000);
  assert.ok(own > 4000, `a's tone is there at about its amplitude (${Math.round(own)} of 8000)`);
  assert.ok(toneLevel(tail, 1000, 16_000) < own / 50, "b's tone is not in a's tap");
  assert.ok(
    byId.b!.every((v) => v === 0),
    'muted b is silence',
  );
  assert.deepEqual(core.takeSpeech(), [], 'taken: nothing until the next tick');
  core.setSpeechTap(false);
  run(core, {}, 3);
  assert.deepEqual(core.takeSpeech(), []);
});
