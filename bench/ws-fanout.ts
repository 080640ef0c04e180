/**
 * Benchmark (not a test): cost of AudienceFanout's writes with N real `ws` listeners on
 * 127.0.0.1, in µs per listener-batch (one batch written to one socket), side by side for the
 * two write paths: frames framed once and written to each TCP socket (what the server does),
 * and each batch handed to `ws`'s send (which frames it per socket).
 *   node --import tsx bench/ws-fanout.ts [1000 5000]
 * Clients live in this process too; their receive work happens after the timed synchronous
 * write pass, so the figure is the server's cost. Needs 2 fds per listener (ulimit -n).
 */
import { WebSocket } from 'ws';
import { AudienceFanout } from '../src/audience/ws/fanout.js';
import { startFanoutServer, ToneSource, waitFor } from '../src/audience/ws/test-kit.js';

/** batches at the configured 3-frame window (the tuner may widen it and send fewer) */
const BATCHES = 200;
const sizes = process.argv.slice(2).map(Number);

async function run(listeners: number, tcpWrites: boolean): Promise<void> {
  const fanout = new AudienceFanout({ windowFrames: 3 });
  const server = await startFanoutServer(fanout, undefined, tcpWrites);
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
  let pushNs = 0n;
  for (const frame of frames) {
    const t0 = process.hrtime.bigint();
    fanout.push(frame); // one lane's turn: one encode, one write per socket of the lane
    pushNs += process.hrtime.bigint() - t0;
    await new Promise((r) => setTimeout(r, 2)); // let the clients read
  }
  fanout.flush();
  const s = fanout.stats();
  await waitFor(() => received === s.sends, 30_000, 'delivery');
  const perListenerBatchUs = Number(pushNs) / 1000 / s.sends;
  console.log(
    `${listeners} listeners, ${tcpWrites ? 'framed once, TCP write' : 'ws send       '}: ${perListenerBatchUs.toFixed(2)} µs per listener-batch, ` +
      `all lanes once ${s.passMs.toFixed(1)} ms (moving average), ${s.batches} batches, ${s.sends} sends, ` +
      `${s.skippedSends} skipped, window ended at ${s.windowFrames} frames (${s.windowFrames * 20} ms)`,
  );
  for (const ws of clients) ws.terminate();
  fanout.close();
  await server.close();
}

for (const n of sizes.length > 0 ? sizes : [1000, 5000]) {
  await run(n, true);
  await run(n, false);
}
