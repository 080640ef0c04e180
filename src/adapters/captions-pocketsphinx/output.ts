/**
 * Reads what `pocketsphinx_continuous -time yes` prints: per utterance a hypothesis line, then
 * one line per segment, `word start_s end_s confidence`, from `<s>` to `</s>`. Times are
 * seconds of audio read since the process started (stream time). Filler segments (silence,
 * noise, sentence marks) are dropped and alternate pronunciations (`the(2)`) lose their tag.
 */
import type { CaptionText } from '../../core/ports/captions.js';

const SEGMENT = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/;
/** `<s>`, `</s>`, `<sil>`, `[NOISE]`, `++BREATH++`, `(NULL)` */
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+|\(null\))$/i;

interface Word {
  word: string;
  startMs: number;
  endMs: number;
}

/** Feed it stdout text as it comes; it calls `onFinal` once per utterance with words in it. */
export class SegmentReader {
  #rest = '';
  #words: Word[] = [];

  constructor(private readonly onFinal: (caption: CaptionText) => void) {}

  push(chunk: string): void {
    const lines = (this.#rest + chunk).split('\n');
    this.#rest = lines.pop() ?? '';
    for (const line of lines) this.#line(line.trim());
  }

  /** Ends the utterance in progress (no `</s>` came, e.g. the process was stopped). */
  flush(): void {
    if (this.#rest) this.#line(this.#rest.trim());
    this.#rest = '';
    this.#emit();
  }

  #line(line: string): void {
    const m = SEGMENT.exec(line);
    if (!m) {
      // a hypothesis line starts the next utterance: whatever was pending is complete
      this.#emit();
      return;
    }
    const [, token = '', start = '0', end = '0'] = m;
    if (token === '</s>') {
      this.#emit();
      return;
    }
    if (FILLER.test(token)) return;
    const word = token.replace(/\(\d+\)$/, '').toLowerCase();
    this.#words.push({
      word,
      startMs: Math.round(Number(start) * 1000),
      endMs: Math.round(Number(end) * 1000),
    });
  }

  #emit(): void {
    const words = this.#words;
    this.#words = [];
    const first = words[0];
    const last = words[words.length - 1];
    if (!first || !last) return;
    this.onFinal({ text: words.map((w) => w.word).join(' '), startMs: first.startMs, endMs: last.endMs });
  }
}
