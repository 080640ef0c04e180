/** Captions: per-speaker recognition on the mixer's speech tap, behind the CaptionEngine port. */
export {
  CaptionDesk,
  type CaptionDeskOptions,
  type CaptionDeskStats,
  type SpeakerCaption,
} from './caption-desk.js';
export { SpeakerCaptions, type TimedCaption } from './speaker-captions.js';
export { LiveCaptions, type LiveCaptionsOptions } from './live-captions.js';
