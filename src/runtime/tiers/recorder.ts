/**
 * The recorder tier of this node: repairs the recordings this node left unfinished at once
 * (before the server serves anything), records every Space it homes that has `recording` on
 * through a FrameSink named 'recorder' (one part per run), and serves replays merged from
 * every part of a Space through the RecordingsPort (src/recording/library.ts).
 * Files live in <recordingsDir>/<spaceId>/parts/<part>/ (docs/recording.md); in a cluster
 * every node must use the same recordingsDir (docs/cluster.md).
 */
import type { Logger } from '../../core/log.js';
import type { RecordingsPort } from '../../control/ports.js';
import {
  LOCAL_NODE,
  Recorder,
  RecordingLibrary,
  repairRecordings,
  type RepairResult,
} from '../../recording/index.js';
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
  recordingsDir: string;
  /** this node's cluster id (named in its parts); default 'local' */
  node?: string;
  log: Logger;
  cacheBytes?: number;
}): RecorderTier {
  const log = opts.log;
  const node = opts.node ?? LOCAL_NODE;
  const repaired = repairRecordings(opts.recordingsDir, node, log);
  const sink: SinkFactory = {
    name: 'recorder',
    create(space) {
      if (!space.recording) return null;
      try {
        return new Recorder({ recordingsDir: opts.recordingsDir, spaceId: space.id, node, log });
      } catch (err) {
        // a full or read-only disk must not stop the Space: it goes on unrecorded
        log.error({ err, spaceId: space.id }, 'cannot record this Space');
        return null;
      }
    },
  };
  const recordings = new RecordingLibrary({ recordingsDir: opts.recordingsDir, cacheBytes: opts.cacheBytes });
  return { sink, recordings, repaired };
}
