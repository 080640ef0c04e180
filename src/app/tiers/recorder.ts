/**
 * The recorder tier of this node: repairs crashed recordings at once (before the server
 * serves anything), records every Space that has `recording` on through a FrameSink named
 * 'recorder', and serves replays through the RecordingsPort (src/recording/library.ts).
 * Files live in <dataDir>/recordings/<spaceId>/ (docs/recording.md).
 */
import type { Logger } from '../../core/log.js';
import type { RecordingsPort } from '../../control/http/routes/replay.js';
import { Recorder, RecordingLibrary, repairRecordings, type RepairResult } from '../../recording/index.js';
import type { SinkFactory } from '../stage-plane.js';

export interface RecorderTier {
  /** pass to LocalSpaceHub({ sinks }) */
  readonly sink: SinkFactory;
  /** pass to ControlDeps.recordings */
  readonly recordings: RecordingsPort;
  /** what start-up repair did */
  readonly repaired: readonly RepairResult[];
}

export function createRecorderTier(opts: {
  dataDir: string;
  log: Logger;
  cacheBytes?: number;
}): RecorderTier {
  const log = opts.log;
  const repaired = repairRecordings(opts.dataDir, log);
  const sink: SinkFactory = {
    name: 'recorder',
    create(space) {
      if (!space.recording) return null;
      try {
        return new Recorder({ dataDir: opts.dataDir, spaceId: space.id, log });
      } catch (err) {
        // a full or read-only disk must not stop the Space: it goes on unrecorded
        log.error({ err, spaceId: space.id }, 'cannot record this Space');
        return null;
      }
    },
  };
  const recordings = new RecordingLibrary({ dataDir: opts.dataDir, cacheBytes: opts.cacheBytes });
  return { sink, recordings, repaired };
}
