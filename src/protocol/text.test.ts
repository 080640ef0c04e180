import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanUserText } from './text.js';

test('bidi overrides, isolates and marks are removed from user text', () => {
  assert.equal(cleanUserText('Hello \u202Edlrow\u202C'), 'Hello dlrow');
  assert.equal(cleanUserText('\u2067a\u2069\u200Fb\u200E\u061C'), 'ab');
});

test('zero-width and other invisible characters are removed', () => {
  assert.equal(cleanUserText('ad\u200Bmin\uFEFF \u2060x\u00AD\u3164'), 'admin x');
  assert.equal(cleanUserText('\u200B\u200B'), '', 'a title of only invisible characters is empty');
});

test('control characters go; a description keeps its line breaks, a title does not', () => {
  assert.equal(cleanUserText('a\u0007b\u009Bc\td'), 'abc d');
  assert.equal(cleanUserText('one\r\ntwo', { multiline: true }), 'one\ntwo');
  assert.equal(cleanUserText('one\ntwo'), 'one two');
});

test('joiners stay where emoji and scripts need them', () => {
  const family = '👨\u200D👩\u200D👧';
  assert.equal(cleanUserText(`Our ${family} show`), `Our ${family} show`);
  assert.equal(cleanUserText('می\u200Cخواهم'), 'می\u200Cخواهم', 'ZWNJ between Persian letters');
  assert.equal(cleanUserText('a\u200D b\u200C '), 'a b', 'a stray joiner is removed');
  const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
  assert.equal(cleanUserText(`Go ${scotland}`), `Go ${scotland}`);
  assert.equal(cleanUserText('x\u{E0041}y'), 'xy', 'tag characters elsewhere are removed');
  assert.equal(cleanUserText('❤️ café'), '❤️ café', 'variation selectors and accents stay');
});
