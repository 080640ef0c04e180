/** The stage plane: speaker WebRTC sessions, forwarding and the mixer. */
export { StageMedia, STAGE_SLOTS, type StageMediaEvents, type StageMediaOptions } from './stage-media.js';
export type { IceOptions } from './speaker-session.js';
export { Mixer, type MixerEvents, type MixerOptions, type MixerStats, type SpeechChunk } from './mixer.js';
export { MixerCore, MIX_BITRATE } from './mixer-core.js';
