/**
 * Benchmark (not a test): cost of AudienceFanout's write pass with N real `ws` listeners on
 * 127.0.0.1, in µs per listener-batch (one batch written to one socket).
 *   node --import tsx bench/ws-fanout.ts [1000 5000]
 * Clients live in this process too; their receive work happens after the timed synchronous
 * write pass, so the figure is the server's cost. Needs 2 fds per listener (ulimit -n).
 */
import { WebSocket } from 'ws';
import { AudienceFanout } from '../src/audience/ws/fanout.js';
import { startFanoutServer, ToneSource, waitFor } from '../src/audience/ws/test-kit.js';

const BATCHES = 200;
const sizes = process.argv.slice(2).map(Number);

async function run(listeners: number): Promise<void> {
  const fanout = new AudienceFanout({ windowFrames: 3 });
  const server = await startFanoutServer(fanout);
  const clients: WebSocket[] = [];
  let received = 0;
  for (let i = 0; i < listeners; i += 200) {
    const wave = Array.from({ length: Math.min(200, listeners - i) }, () => {
      const ws = new WebSocket(server.url, { perMessageDeflate: false });
      ws.on('message', () => received++);
      clients.push(ws);
      return new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    });
    await Promise.all(wave);
  }
  await waitFor(() => fanout.size === listeners, 10_000, 'attach');
  const tone = new ToneSource();
  const frames = Array.from({ length: 3 * BATCHES }, () => tone.next());
  let writeNs = 0n;
  for (let b = 0; b < BATCHES; b++) {
    fanout.push(frames[3 * b]!);
    fanout.push(frames[3 * b + 1]!);
    const t0 = process.hrtime.bigint();
    fanout.push(frames[3 * b + 2]!); // completes the batch: encode once + N sends
    writeNs += process.hrtime.bigint() - t0;
    await new Promise((r) => setTimeout(r, 5)); // let the clients read
  }
  await waitFor(() => received === listeners * BATCHES, 30_000, 'delivery');
  const perListenerBatchUs = Number(writeNs) / 1000 / (BATCHES * listeners);
  const perBatchMs = Number(writeNs) / 1e6 / BATCHES;
  const s = fanout.stats();
  console.log(
    `${listeners} listeners: ${perListenerBatchUs.toFixed(2)} µs per listener-batch, ` +
      `${perBatchMs.toFixed(2)} ms per batch (every 60 ms), ${s.sends} sends, ${s.skippedSends} skipped, ` +
      `${(s.bytesSent / 1e6).toFixed(1)} MB`,
  );
  for (const ws of clients) ws.terminate();
  fanout.close();
  await server.close();
}

for (const n of sizes.length > 0 ? sizes : [1000, 5000]) await run(n);
