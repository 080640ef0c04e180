export { RestreamManager } from './manager.js';
export type { RestreamManagerOptions } from './manager.js';
export { Restream, redactRtmpUrl } from './restream.js';
export type { OggTap, RestreamOptions } from './restream.js';
export { restreamArgs } from './ffmpeg-args.js';
export type { RestreamArgsOptions } from './ffmpeg-args.js';
