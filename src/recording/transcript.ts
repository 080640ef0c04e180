/**
 * The replay's transcript: the live captions recorded with the Space, on the replay's own
 * timeline (ms from its start, gaps included, as `replayOffset` maps them), labelled with the
 * speaker's handle, as WebVTT (a subtitles file any player loads beside the replay's audio) or
 * plain text (`[mm:ss] @handle: words`, one line per caption).
 */
export interface TranscriptLine {
  speakerId: string;
  /** ms from the start of the replay */
  startMs: number;
  endMs: number;
  text: string;
}

/** `hh:mm:ss.mmm`, the WebVTT time format */
export function vttTime(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const s = Math.floor(t / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(t % 1000, 3)}`;
}

/** `<`, `&` and `-->` cannot appear raw in a cue's text */
const cueText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/-->/g, '--&gt;');

export function renderVtt(lines: readonly TranscriptLine[], handleOf: (id: string) => string): string {
  const cues = lines.map(
    (l, i) =>
      `${i + 1}\n${vttTime(l.startMs)} --> ${vttTime(Math.max(l.endMs, l.startMs + 1))}\n` +
      `<v ${cueText(handleOf(l.speakerId))}>${cueText(l.text)}`,
  );
  return ['WEBVTT', ...cues].join('\n\n') + '\n';
}

export function renderText(lines: readonly TranscriptLine[], handleOf: (id: string) => string): string {
  return lines
    .map((l) => {
      const s = Math.floor(l.startMs / 1000);
      const stamp = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
      return `[${stamp}] @${handleOf(l.speakerId)}: ${l.text}\n`;
    })
    .join('');
}
