import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CaptionText } from '../../core/ports/captions.js';
import { SegmentReader } from './output.js';

const read = (...chunks: string[]) => {
  const got: CaptionText[] = [];
  const r = new SegmentReader((c) => got.push(c));
  for (const c of chunks) r.push(c);
  return { got, r };
};

describe('pocketsphinx output reader', () => {
  it('one utterance: words without fillers or alternate tags, ms times of the first and last word', () => {
    const { got } = read(
      'the quick\n<s> 0.000 0.980 0.99\nthe(2) 0.990 1.130 0.3\n[NOISE] 1.1 1.2 0.1\n<sil> 1.2 1.3 0.9\n',
      'quick 1.140 1.450 0.0002\n</s> 1.460 1.700 1.0\n',
    );
    assert.deepEqual(got, [{ text: 'the quick', startMs: 990, endMs: 1450 }]);
  });

  it('lines split across chunks are joined; an utterance of fillers only gives nothing', () => {
    const { got } = read(
      '\n<s> 0.000 0.61',
      '0 1.0\n</s> 0.620 0.920 1.0\nwhy\n<s> 0.9 1.1 1\nWHY 1.150 1.9',
      '60 0.5\n</s> 2 2.3 1\n',
    );
    assert.deepEqual(got, [{ text: 'why', startMs: 1150, endMs: 1960 }]);
  });

  it('flush() ends an utterance that had no </s>', () => {
    const { got, r } = read('hello\nhello 0.5 0.9 1.0\n');
    assert.deepEqual(got, []);
    r.flush();
    assert.deepEqual(got, [{ text: 'hello', startMs: 500, endMs: 900 }]);
  });
});
