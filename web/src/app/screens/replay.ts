/**
 * The replay of a recorded Space: an <audio> player on replay.opus (the server answers Range
 * requests, so the player knows the duration and seeks), the speakers' timeline (who spoke
 * when, from GET …/replay/timeline; a click on a turn seeks there) and a Clip button that cuts
 * up to CLIP_MS from the playhead (POST …/clips) and offers the file. Nothing loads until the
 * page shows; the audio itself loads on Play.
 */
import type { SpaceSnapshot } from '../../../../src/protocol/space.js';
import type { ReplayTimeline } from '../../../../src/protocol/recording.js';
import { RECORDING_LIMITS } from '../../../../src/protocol/recording.js';
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { describe } from '../errors.js';
import { getSession } from '../session.js';
import { transcriptSearch } from './transcript.js';

/** ms a clip lasts when there is that much left after the playhead */
const CLIP_MS = Math.min(30_000, RECORDING_LIMITS.maxClipMs);
/** shortest clip the button cuts, ms */
const MIN_CLIP_MS = 1_000;
/** turns drawn as buttons at most (a long Space has many); the rest are drawn, not listed */
const MAX_TURN_BUTTONS = 200;

/** "1:05", "1:02:03" */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function replayView(snap: SpaceSnapshot): HTMLElement {
  const id = snap.space.id;
  const token = getSession()?.token;
  const src = `/v1/spaces/${encodeURIComponent(id)}/replay.opus${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const note = h(
    'p',
    { class: 'hint', role: 'status', 'data-testid': 'replay-status' },
    'Loading the replay…',
  );
  const audio = h('audio', { controls: true, preload: 'metadata', src, 'data-testid': 'replay-audio' });
  const timelineBox = h('div', { class: 'timeline', 'data-testid': 'replay-timeline' });
  const clipOut = h('p', { class: 'clip-out', 'aria-live': 'polite', 'data-testid': 'clip-result' });
  const clipBtn = h(
    'button',
    { type: 'button', 'data-testid': 'clip', disabled: true },
    `Clip ${CLIP_MS / 1000} s from here`,
  );
  let durationMs = 0;

  audio.addEventListener('error', () => {
    note.textContent = 'The recording is not available (yet). Try again in a moment.';
  });
  audio.addEventListener('timeupdate', () => {
    // the playhead on every speaker's bar (CSS draws it at --pos)
    if (durationMs)
      timelineBox.style.setProperty('--pos', `${Math.min(100, (audio.currentTime * 100_000) / durationMs)}%`);
  });
  const seek = (ms: number): void => {
    audio.currentTime = ms / 1000;
    void audio.play().catch(() => undefined);
  };

  clipBtn.addEventListener('click', () => {
    const startMs = Math.floor(audio.currentTime * 1000);
    const lengthMs = Math.min(CLIP_MS, durationMs - startMs);
    if (lengthMs < MIN_CLIP_MS) {
      clipOut.textContent = 'Move the playhead back a little: there is less than a second left.';
      return;
    }
    clipBtn.disabled = true;
    clipOut.textContent = 'Cutting the clip…';
    api
      .clip(id, { startMs, durationMs: lengthMs })
      .then((blob) => {
        const name = `${id}-${clock(startMs).replace(/:/g, '.')}.opus`;
        replace(
          clipOut,
          `Clip ${clock(startMs)}–${clock(startMs + lengthMs)} is ready: `,
          h(
            'a',
            { href: URL.createObjectURL(blob), download: name, 'data-testid': 'clip-download' },
            'download it',
          ),
          '.',
        );
      })
      .catch((err: unknown) => (clipOut.textContent = `Could not cut the clip: ${describe(err)}`))
      .finally(() => (clipBtn.disabled = false));
  });

  api
    .timeline(id)
    .then((t) => {
      durationMs = t.durationMs;
      note.textContent = `${clock(t.durationMs)} recorded${t.status === 'interrupted' ? ' (the recording was interrupted)' : ''}.`;
      note.dataset.durationMs = String(t.durationMs);
      clipBtn.disabled = t.durationMs < MIN_CLIP_MS;
      replace(timelineBox, ...timelineRows(t, seek));
    })
    .catch((err: unknown) => {
      note.textContent = `The replay is not available: ${describe(err)}`;
      timelineBox.hidden = true;
    });

  return h(
    'section',
    { class: 'replay', 'aria-label': 'Replay', 'data-testid': 'replay' },
    h('h2', {}, 'Replay'),
    audio,
    note,
    h('h3', {}, 'Who spoke when'),
    timelineBox,
    h(
      'div',
      { class: 'row' },
      clipBtn,
      h(
        'a',
        { href: src, download: `${id}.opus`, 'data-testid': 'replay-download' },
        'Download the recording',
      ),
    ),
    clipOut,
    transcriptSearch(
      `/v1/spaces/${encodeURIComponent(id)}/replay`,
      token ? `?token=${encodeURIComponent(token)}` : '',
      audio,
    ),
  );
}

function timelineRows(t: ReplayTimeline, seek: (ms: number) => void): HTMLElement[] {
  if (t.speakers.length === 0) return [h('p', { class: 'empty' }, 'No one spoke in this recording.')];
  let buttons = 0;
  const pct = (ms: number): string => `${((ms * 100) / Math.max(1, t.durationMs)).toFixed(3)}%`;
  return t.speakers.map((s) => {
    const name = s.handle ? `@${s.handle}` : 'A former account';
    const talked = s.intervals.reduce((sum, [a, b]) => sum + (b - a), 0);
    const bar = h('div', { class: 'bar' });
    for (const [a, b] of s.intervals) {
      const style = `left:${pct(a)};width:${pct(Math.max(b - a, t.durationMs / 400))}`;
      if (buttons++ < MAX_TURN_BUTTONS) {
        bar.append(
          h('button', {
            type: 'button',
            class: 'turn',
            style,
            'data-testid': 'turn',
            'aria-label': `${name} from ${clock(a)} to ${clock(b)}: play from here`,
            onclick: () => seek(a),
          }),
        );
      } else bar.append(h('span', { class: 'turn', style, 'aria-hidden': 'true' }));
    }
    return h(
      'div',
      { class: 'speaker-row', 'data-testid': 'timeline-speaker', 'data-handle': s.handle ?? '' },
      h('span', { class: 'who' }, name, h('small', {}, ` ${clock(talked)}`)),
      bar,
    );
  });
}
