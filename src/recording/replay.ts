/**
 * One recording, ready to serve: the plan (plan.ts), its VOD HLS segments (vod.ts), the Ogg
 * download and clips (ogg-file.ts) and the timeline JSON. Built by RecordingLibrary from the
 * merged parts (merge.ts); immutable. `version` changes whenever a part grows or a part is
 * added (a Space that resumed), so URLs that carry it can be cached forever.
 */
import { FRAME_MS } from '../protocol/audience.js';
import type { RecordedTimeline } from '../protocol/recording.js';
import { RECORDING_LIMITS } from '../protocol/recording.js';
import type { UserId } from '../protocol/ids.js';
import { RostraError } from '../core/errors.js';
import { INIT_NAME } from '../audience/hls/types.js';
import { initSegment } from '../audience/hls/mp4/init.js';
import { DEFAULT_PRE_SKIP } from '../audience/ogg/opus-head.js';
import { planReplay, replayOffset, type ReplayPlan } from './plan.js';
import { renderVodPlaylist, vodSegmentBytes, vodSegments, type VodSegment } from './vod.js';
import { oggFile, serialOf } from './ogg-file.js';
import type { AudioFrame } from '../protocol/audience.js';
import type { SpeakingInterval } from './speaking.js';
import type { Caption } from '../protocol/captions.js';
import { renderText, renderVtt, type TranscriptLine } from './transcript.js';

/** what the timeline says about the recording as a whole */
export interface ReplaySummary {
  spaceId: string;
  /** 'finished' when the newest part was finished by the Space's end */
  status: 'finished' | 'interrupted';
  /** a part was cut after a crash (repaired, or read up to its last good frame) */
  repaired: boolean;
}

export class Replay {
  readonly version: string;
  readonly plan: ReplayPlan;
  readonly segments: VodSegment[];
  readonly startedAt: number;
  readonly #summary: ReplaySummary;
  readonly #intervals: SpeakingInterval[];
  readonly #captions: readonly Caption[];
  readonly #init = initSegment({ preSkip: DEFAULT_PRE_SKIP });
  #ogg: Uint8Array | null = null;

  constructor(args: {
    summary: ReplaySummary;
    frames: readonly AudioFrame[];
    /** first frame of each recording part (merge.ts) */
    partStarts?: ReadonlySet<AudioFrame>;
    intervals: SpeakingInterval[];
    /** live captions recorded with it (merge.ts) */
    captions?: readonly Caption[];
    /** changes whenever the log changes (e.g. its size) */
    version: string;
  }) {
    this.#summary = args.summary;
    this.#intervals = args.intervals;
    this.#captions = args.captions ?? [];
    this.version = args.version;
    this.plan = planReplay(args.frames, args.partStarts);
    this.segments = vodSegments(this.plan);
    this.startedAt = args.frames[0]?.mixedAt ?? 0;
  }

  get durationMs(): number {
    return this.plan.packets.length * FRAME_MS;
  }

  /** bytes this replay holds in memory (for the library's cache budget) */
  get weight(): number {
    let n = 0;
    for (const p of this.plan.packets) n += p.length + 16;
    return n + (this.#ogg?.length ?? 0);
  }

  playlist(query = ''): string {
    return renderVodPlaylist(this.segments, this.version, query);
  }

  /** a file under `<version>/`: init.mp4 or seg-<n>.m4s; undefined if none */
  file(name: string): Uint8Array | undefined {
    if (name === INIT_NAME) return this.#init;
    const m = /^seg-(\d{1,9})\.m4s$/.exec(name);
    return m ? vodSegmentBytes(this.plan, this.segments, Number(m[1])) : undefined;
  }

  /** the whole replay as Ogg/Opus (built once) */
  download(): Uint8Array {
    this.#ogg ??= oggFile(this.plan.packets, this.#oggOpts());
    return this.#ogg;
  }

  /** an Ogg/Opus clip; throws clip_out_of_range unless 0 <= start < start+duration <= end */
  clip(startMs: number, durationMs: number): Uint8Array {
    const end = startMs + durationMs;
    if (!(startMs >= 0 && durationMs > 0 && end <= this.durationMs))
      throw new RostraError('clip_out_of_range', `the recording is ${this.durationMs} ms long`);
    if (durationMs > RECORDING_LIMITS.maxClipMs)
      throw new RostraError('clip_out_of_range', `a clip is at most ${RECORDING_LIMITS.maxClipMs} ms`);
    const first = Math.floor(startMs / FRAME_MS);
    const last = Math.ceil(end / FRAME_MS);
    return oggFile(this.plan.packets.slice(first, last), {
      ...this.#oggOpts(),
      startAt: this.startedAt + first * FRAME_MS,
    });
  }

  timeline(): RecordedTimeline {
    const byUser = new Map<string, [number, number][]>();
    for (const i of this.#intervals) {
      const a = replayOffset(this.plan, i.startAt);
      const b = replayOffset(this.plan, i.endAt);
      if (b <= a) continue;
      const list = byUser.get(i.userId) ?? [];
      list.push([Math.round(a), Math.round(b)]);
      byUser.set(i.userId, list);
    }
    const speakers = [...byUser].map(([userId, list]) => ({
      userId: userId as UserId,
      intervals: mergeIntervals(list),
    }));
    return {
      durationMs: this.durationMs,
      startedAt: this.startedAt,
      status: this.#summary.status,
      repaired: this.#summary.repaired,
      speakers,
      gaps: this.plan.gaps,
    };
  }

  /** user ids of everyone with a caption in the transcript */
  transcriptSpeakers(): string[] {
    return [...new Set(this.#captions.map((c) => c.speakerId))];
  }

  /** the transcript as a WebVTT or plain-text file, speakers named by `handleOf` */
  transcriptFile(format: 'vtt' | 'text', handleOf: (userId: string) => string): string {
    const lines = this.transcript();
    return format === 'vtt' ? renderVtt(lines, handleOf) : renderText(lines, handleOf);
  }

  /** the recorded captions on the replay's timeline, in order */
  transcript(): TranscriptLine[] {
    const out: TranscriptLine[] = [];
    for (const c of this.#captions) {
      const startMs = Math.round(replayOffset(this.plan, c.startAt));
      const endMs = Math.round(replayOffset(this.plan, c.endAt));
      if (endMs >= startMs) out.push({ speakerId: c.speakerId, startMs, endMs, text: c.text });
    }
    return out;
  }

  #oggOpts() {
    return {
      startAt: this.startedAt,
      serial: serialOf(this.#summary.spaceId),
      comments: ['TITLE=Rostra replay'],
    };
  }
}

function mergeIntervals(list: [number, number][]): [number, number][] {
  list.sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of list) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
