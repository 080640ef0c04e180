/**
 * Worker thread entry: one Space's mixer. Runs its own drift-free 20 ms clock so the
 * main thread's listener fan-out cannot delay it; posts each mixed frame back.
 * Lifecycle: starts ticking on load, stops on { type: 'stop' } (then the thread exits).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FRAME_MS } from '../protocol/audience.js';
import { MixerCore } from './mixer-core.js';
import { timelineSeq } from './mixer-timeline.js';
import type { FromWorker, MixerWorkerData, ToWorker } from './mixer-messages.js';
import { TickClock } from './tick-clock.js';

const port = parentPort;
if (!port) throw new Error('mixer-worker must run in a worker thread');
const data = workerData as MixerWorkerData;
const core = new MixerCore();
const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/** wall clock (ms since epoch) at which tick 0 was due */
let wallStart = 0;
/** seq of tick 0: given, or derived from the Space's timeline when the clock starts */
let firstSeq = data.firstSeq;
const ticksPerReport = Math.max(1, Math.round(data.levelsEveryMs / FRAME_MS));

const clock = new TickClock({
  periodMs: FRAME_MS,
  onTick: (index) => {
    const opus = core.tick();
    const copy = new Uint8Array(opus); // own buffer so it can be transferred
    post(
      {
        type: 'frame',
        seq: (firstSeq + index) >>> 0,
        mixedAt: wallStart + index * FRAME_MS,
        opus: copy,
      },
      [copy.buffer],
    );
    if ((index + 1) % ticksPerReport === 0) {
      const chunks = core.takeSpeech();
      if (chunks.length > 0) {
        // the tap ends with this tick's frame; transfer the copies instead of cloning them
        const endsAt = wallStart + (index + 1) * FRAME_MS;
        post(
          { type: 'speech', endsAt, chunks },
          chunks.map((c) => c.pcm.buffer as ArrayBuffer),
        );
      }
      post({
        type: 'levels',
        levels: core.takeLevels(),
        stats: {
          frames: clock.stats.ticks,
          lateTicks: clock.stats.late,
          skippedTicks: clock.stats.skipped,
          framesWithVoice: core.framesWithVoice,
          speakers: core.speakerStats(),
        },
      });
    }
  },
});

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'push':
      core.push(m.id, m.seq, m.payload);
      break;
    case 'mute':
      core.setMuted(m.id, m.muted);
      break;
    case 'remove':
      core.remove(m.id);
      break;
    case 'speech_tap':
      core.setSpeechTap(m.on);
      break;
    case 'stop':
      clock.stop();
      port.close();
      break;
  }
});

wallStart = Date.now();
if (data.timelineOrigin !== undefined) firstSeq = timelineSeq(wallStart, data.timelineOrigin);
clock.start();
