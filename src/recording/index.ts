export { Recorder } from './recorder.js';
export type { RecorderOptions } from './recorder.js';
export { repairRecordings, repairRecording } from './repair.js';
export type { RepairResult } from './repair.js';
export { RecordingLibrary } from './library.js';
export type { RecordingLibraryOptions } from './library.js';
export { Replay } from './replay.js';
export type { ReplaySummary } from './replay.js';
export { planReplay, SILENCE_OPUS, MAX_GAP_FRAMES } from './plan.js';
export type { ReplayPlan } from './plan.js';
export { scanLog, encodeRecord, LOG_MAGIC, RECORD_OVERHEAD } from './format.js';
export {
  RecordingStatus,
  recordingDir,
  partsDir,
  readMeta,
  LOG_FILE,
  SPEAKERS_FILE,
  META_FILE,
  LOCAL_NODE,
} from './files.js';
export { listParts, readPart } from './parts.js';
export type { PartInfo, PartData } from './parts.js';
export { mergeParts } from './merge.js';
export type { MergedRecording, PartFrames } from './merge.js';
export type { RecordingMeta } from './files.js';
export { SpeakingTracker } from './speaking.js';
export type { SpeakingInterval, SpeakingOptions } from './speaking.js';
