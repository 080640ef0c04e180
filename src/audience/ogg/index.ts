export { OggStream, DEFAULT_FRAMES_PER_PAGE } from './ogg-stream.js';
export type { OggStreamOptions, OggPage, OggStreamEvents } from './ogg-stream.js';
export { OggFanout, OGG_RESPONSE_HEADERS } from './fanout.js';
export type { OggFanoutOptions, PageSink } from './fanout.js';
export { DEFAULT_PRE_SKIP, opusHead, opusTags } from './opus-head.js';
export { FrameTimeline, DEFAULT_MAX_FILL_FRAMES } from './timeline.js';
export type { TimedFrame } from './timeline.js';
export { oggCrc32 } from './crc.js';
