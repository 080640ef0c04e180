/**
 * The ffmpeg command line of a restream: the Space's live Ogg/Opus stream on stdin, out to an
 * RTMP URL as FLV with AAC audio (what RTMP ingest servers take), either audio only or with a
 * still picture as the video track (most platforms refuse a stream without video).
 */

import { RESTREAM_VIDEO, type RestreamVideo } from '../../protocol/restream.js';

export interface RestreamArgsOptions {
  /** rtmp:// or rtmps:// URL including the stream key */
  url: string;
  video: RestreamVideo;
  /** a PNG/JPEG file for video 'image' */
  imagePath?: string;
  /** AAC bitrate, kbit/s; default 128 */
  audioKbps?: number;
}

/** frames per second of the still picture: 2 keeps a keyframe every 2 s at almost no cost */
const STILL_FPS = 2;

export function restreamArgs(o: RestreamArgsOptions): string[] {
  const input = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-f', 'ogg', '-i', 'pipe:0'];
  const audio = ['-c:a', 'aac', '-b:a', `${o.audioKbps ?? 128}k`, '-ar', '48000', '-ac', '2'];
  const out = ['-f', 'flv', o.url];
  if (o.video === RESTREAM_VIDEO.none) return [...input, '-map', '0:a', '-vn', ...audio, ...out];
  const still =
    o.video === RESTREAM_VIDEO.image
      ? ['-loop', '1', '-framerate', String(STILL_FPS), '-i', o.imagePath ?? '']
      : ['-f', 'lavfi', '-i', `color=c=0x202030:s=1280x720:r=${STILL_FPS}`];
  const video = [
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-pix_fmt', 'yuv420p'],
    ...['-r', String(STILL_FPS), '-g', String(2 * STILL_FPS), '-b:v', '300k'],
  ];
  // the picture loops forever: the output ends with the audio (-shortest)
  return [...input, ...still, '-map', '0:a', '-map', '1:v', ...audio, ...video, '-shortest', ...out];
}
