import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderText, renderVtt, vttTime } from './transcript.js';
import { parseCaptions } from './parts.js';

const handles: Record<string, string> = { u1: 'alice', u2: 'bob' };
const handleOf = (id: string) => handles[id] ?? 'speaker';
const lines = [
  { speakerId: 'u1', startMs: 1250, endMs: 2900, text: 'good morning' },
  { speakerId: 'u2', startMs: 3_723_004, endMs: 3_724_000, text: 'a <b> & c --> d' },
];

describe('replay transcript', () => {
  it('WebVTT: numbered cues, hh:mm:ss.mmm times, voiced with the handle, text escaped', () => {
    assert.equal(vttTime(3_723_004), '01:02:03.004');
    assert.equal(
      renderVtt(lines, handleOf),
      'WEBVTT\n\n1\n00:00:01.250 --> 00:00:02.900\n<v alice>good morning\n\n' +
        '2\n01:02:03.004 --> 01:02:04.000\n<v bob>a &lt;b> &amp; c --&gt; d\n',
    );
  });

  it('plain text: one [mm:ss] @handle: line per caption', () => {
    assert.equal(
      renderText(lines, handleOf),
      '[00:01] @alice: good morning\n[62:03] @bob: a <b> & c --> d\n',
    );
  });

  it('a torn last line of captions.jsonl (crash) is skipped, the rest is kept', () => {
    const good = JSON.stringify({ speakerId: 'u1', text: 'hi', startAt: 1, endAt: 2, final: true });
    assert.deepEqual(parseCaptions(`${good}\n{"speakerId":"u1","te`), [
      { speakerId: 'u1', text: 'hi', startAt: 1, endAt: 2, final: true },
    ]);
  });
});
