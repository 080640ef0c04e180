/**
 * User text (Space titles, descriptions) as it is stored and shown: characters that change how
 * OTHER text is displayed, or that cannot be seen, are removed (docs/security.md).
 *
 * - Bidirectional controls (U+202A-202E embeddings/overrides, U+2066-2069 isolates, U+200E/200F
 *   marks, U+061C): a right-to-left override in a title reverses the lobby line it sits in.
 * - Invisible characters: zero-width space U+200B, word joiner and invisible operators
 *   U+2060-2064, BOM U+FEFF, Mongolian vowel separator U+180E, soft hyphen U+00AD, combining
 *   grapheme joiner U+034F, Hangul fillers (blank "names"), Khmer inherent vowels.
 * - Control characters (C0, C1, DEL); a description keeps its line breaks, tabs become spaces.
 *
 * Kept where a script or emoji needs them: U+200D (zero-width joiner) between two pictographs
 * (family and profession emoji), U+200C (zero-width non-joiner) between two letters (Persian,
 * Indic scripts), tag characters after a black flag (subdivision flags), variation selectors.
 * Pure and dependency-free: the server cleans with it, the web app may preview with it.
 */
const BIDI = '\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069';
const INVISIBLE = '\u200B\u2060-\u2064\uFEFF\u180E\u00AD\u115F\u3164\uFFA0';
const CONTROL = '\u0000-\u0009\u000B-\u001F\u007F-\u009F';
/** combining ones (grapheme joiner, Hangul medial filler, Khmer inherent vowels) outside the class */
const ALWAYS = new RegExp(`[${BIDI}${INVISIBLE}${CONTROL}]|\u034F|\u1160|\u17B4|\u17B5`, 'gu');
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const LETTER = /\p{L}|\p{M}/u;
const BLACK_FLAG = 0x1f3f4;
const isTag = (cp: number): boolean => cp >= 0xe0000 && cp <= 0xe007f;

export interface CleanTextOptions {
  /** keep line breaks (descriptions); titles are one line */
  multiline?: boolean;
}

/** the text without bidi controls, invisible and control characters; also trimmed */
export function cleanUserText(text: string, opts: CleanTextOptions = {}): string {
  const tabbed = text.replace(/\t/g, ' ').replace(/\r\n?/g, '\n');
  const lines = opts.multiline ? tabbed : tabbed.replace(/\n/g, ' ');
  // ALWAYS leaves U+000A alone: a description's line breaks survive
  const chars = [...lines.replace(ALWAYS, '')];
  const kept: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const cp = c.codePointAt(0) ?? 0;
    const prev = kept[kept.length - 1] ?? '';
    const next = chars[i + 1] ?? '';
    if (c === '\u200D' && !(PICTOGRAPH.test(prev) && PICTOGRAPH.test(next))) continue;
    if (c === '\u200C' && !(LETTER.test(prev) && LETTER.test(next))) continue;
    if (isTag(cp) && !(prev.codePointAt(0) === BLACK_FLAG || isTag(prev.codePointAt(0) ?? 0))) continue;
    kept.push(c);
  }
  return kept.join('').trim();
}
