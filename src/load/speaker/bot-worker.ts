/**
 * Worker thread entry: the load tool's speaker bots and their StageMeter. They run on their own
 * event loop so that the listeners' traffic on the main thread (tens of thousands of reads a
 * second) cannot delay a bot's 20 ms sends or the moment it notes a forwarded packet: the
 * speaker-to-speaker delay then measures the server, not the load tool's own lag.
 * Lifecycle: starts every bot on load (posts 'started' or 'failed'), answers 'read', and on
 * 'stop' stops the bots (their sessions are DELETEd) and posts 'stopped'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BotWorkerData, FromBots, ToBots } from './bot-messages.js';
import { SpeakerBot } from './speaker-bot.js';
import { StageMeter } from './stage-meter.js';
import { setThreadNice } from '../../core/thread-priority.js';

const port = parentPort;
if (!port) throw new Error('bot-worker must run in a worker thread');
const data = workerData as BotWorkerData;
// sends and receive stamps are due on time, ahead of the listeners' reads (where allowed)
setThreadNice(-20);
const meter = new StageMeter();
const bots: SpeakerBot[] = [];
const post = (m: FromBots): void => port.postMessage(m);

async function stopAll(): Promise<void> {
  for (const bot of bots) await bot.stop();
}

port.on('message', (m: ToBots) => {
  switch (m.type) {
    case 'phase':
      meter.phase = m.phase;
      break;
    case 'read':
      post({
        type: 'reading',
        reading: {
          speakers: bots.map((b) => ({ ...b.stats })),
          speakerToSpeakerMs: {
            all: meter.all.summary(),
            baseline: meter.baseline.summary(),
            steady: meter.steady.summary(),
          },
          unmatchedForwarded: meter.unmatched,
        },
      });
      break;
    case 'stop':
      void stopAll().then(() => post({ type: 'stopped' }));
      break;
  }
});

try {
  for (const token of data.tokens) {
    const bot = new SpeakerBot({
      baseUrl: data.baseUrl,
      spaceId: data.spaceId,
      token,
      clip: data.clip,
      meter,
    });
    bots.push(bot);
    await bot.start();
  }
  post({ type: 'started' });
} catch (err) {
  await stopAll();
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
