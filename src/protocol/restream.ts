/** A restream (RTMP out) as the API shows it: GET/POST /v1/spaces/:id/restream (docs/restream.md). */

/** what is sent besides the audio: nothing, a plain colour card, or the operator's picture */
export const RESTREAM_VIDEO = { none: 'none', color: 'color', image: 'image' } as const;
export type RestreamVideo = (typeof RESTREAM_VIDEO)[keyof typeof RESTREAM_VIDEO];

export const RESTREAM_STATES = ['starting', 'live', 'retrying', 'stopped', 'ended'] as const;
export type RestreamState = (typeof RESTREAM_STATES)[number];

export interface RestreamStatus {
  state: RestreamState;
  /** the URL without its stream key: scheme, host and application */
  target: string;
  video: RestreamVideo;
  /** ms epoch of the start */
  startedAt: number;
  /** times ffmpeg was started again after a failure */
  restarts: number;
  /** the last lines ffmpeg printed before it exited, or why it could not start */
  lastError?: string;
  /** ms epoch of the next attempt while retrying */
  retryAt?: number;
}

/** body of POST /v1/spaces/:id/restream */
export interface StartRestreamRequest {
  /** rtmp:// or rtmps:// URL including the stream key */
  url: string;
  /** default 'color': most platforms refuse a stream without video */
  video?: RestreamVideo;
}
