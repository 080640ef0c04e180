/**
 * The replay's transcript on the ended screen: download links (WebVTT, text) and a search box.
 * Typing filters the captions (GET …/replay/transcript.vtt, fetched once); pressing a result
 * moves the replay's <audio> to that moment and plays it. Hidden when nothing was captioned.
 */
import { h } from '../dom.js';

export interface Cue {
  startMs: number;
  speaker: string;
  text: string;
}

const TIME = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> /;
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** the cues of the server's transcript.vtt (numbered cues, `<v handle>text`) */
export function parseVtt(vtt: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of vtt.split('\n\n')) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => TIME.test(l));
    const m = at >= 0 ? TIME.exec(lines[at] ?? '') : null;
    if (!m) continue;
    const body = lines.slice(at + 1).join(' ');
    const voiced = /^<v ([^>]*)>(.*)$/.exec(body);
    cues.push({
      startMs: ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]),
      speaker: unescape(voiced?.[1] ?? ''),
      text: unescape(voiced?.[2] ?? body),
    });
  }
  return cues;
}

const stamp = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export function transcriptSearch(base: string, query: string, audio: HTMLAudioElement): HTMLElement {
  const input = h('input', {
    type: 'search',
    placeholder: 'Search the transcript',
    'aria-label': 'Search the transcript',
    'data-testid': 'transcript-search',
  });
  const results = h('ul', {
    class: 'transcript-results',
    'data-testid': 'transcript-results',
    'aria-live': 'polite',
  });
  const el = h(
    'div',
    { class: 'transcript', hidden: true, 'data-testid': 'transcript' },
    h('h3', {}, 'Transcript'),
    h(
      'p',
      {},
      h('a', { href: `${base}/transcript.vtt${query}`, 'data-testid': 'transcript-vtt' }, 'WebVTT'),
      ' · ',
      h('a', { href: `${base}/transcript.txt${query}`, 'data-testid': 'transcript-txt' }, 'Text'),
    ),
    input,
    results,
  );
  let cues: Cue[] = [];
  const show = (): void => {
    const q = input.value.trim().toLowerCase();
    const hits = q ? cues.filter((c) => c.text.includes(q) || c.speaker.toLowerCase().includes(q)) : cues;
    results.replaceChildren(
      ...hits.slice(0, 50).map((c) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              'data-testid': 'transcript-hit',
              'data-start-ms': String(c.startMs),
              onclick: () => {
                audio.currentTime = c.startMs / 1000;
                void audio.play().catch(() => undefined);
              },
            },
            `[${stamp(c.startMs)}] @${c.speaker}: ${c.text}`,
          ),
        ),
      ),
    );
  };
  input.addEventListener('input', show);
  void fetch(`${base}/transcript.vtt${query}`)
    .then((r) => (r.ok ? r.text() : ''))
    .then((vtt) => {
      cues = parseVtt(vtt);
      el.hidden = cues.length === 0;
      show();
    })
    .catch(() => undefined);
  return el;
}
