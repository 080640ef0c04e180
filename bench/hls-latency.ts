/**
 * Benchmark (not a test): how far behind live LL-HLS players play, over N runs each, through a
 * real server. `rostra start` runs in a child process (single node), one werift speaker
 * publishes a 440 Hz tone over WHIP, and each run opens a fresh Chromium context with
 *   hlsjs  hls.js 1.x from npm, `lowLatencyMode: true`, every other setting default
 *          (a third-party site);
 *   app    the web app's own HlsPlayer (web/src/player/hls-player.ts).
 * The two players alternate run by run, so both see the same machine. A run waits for
 * playback, settles 2 s, then samples wall clock minus PROGRAM-DATE-TIME of what is playing
 * every 200 ms for 8 s (behind the mixer). Prints each run, then per player p50 and p95 over
 * all samples of all runs, the range of the runs' medians and the worst run's p95.
 *
 *   node --import tsx bench/hls-latency.ts            # 10 runs of each player
 *   node --import tsx bench/hls-latency.ts --runs 3 --players hlsjs
 *   node --import tsx bench/hls-latency.ts --busy 2   # plus 2 busy-loop processes (a loaded machine)
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { spawnServer } from '../src/load/server-process.js';
import { api, signUp, TestSocket } from '../test/helpers/server.js';
import { publishTone } from '../test/helpers/werift-speaker.js';
import { launchChromium } from '../test/helpers/browser.js';
import {
  measureLatency,
  quantile,
  servePlayerPages,
  type LatencyRun,
  type PlayerKind,
} from '../test/helpers/hls-player-page.js';
import { takeFlag } from './runners.js';
import { markdownTable } from './table.js';

const args = process.argv.slice(2);
const runs = Number(takeFlag(args, '--runs', '10'));
const players = takeFlag(args, '--players', 'hlsjs,app').split(',') as PlayerKind[];
const busy = Number(takeFlag(args, '--busy', '0'));

/** a process that keeps one core busy (the machine under load) */
function busyLoop(): ChildProcess {
  return fork('-e', ['for(;;){}'], { execArgv: [], stdio: 'ignore' });
}

const server = await spawnServer('');
const loops = Array.from({ length: busy }, busyLoop);
let browser: Browser | null = null;
try {
  const host = await signUp(server.url, 'bench');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'hls latency', allowAnonymous: true },
  });
  const spaceId = (res.body as { space: { id: string } }).space.id;
  const stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  await stage.command({ type: 'go_live' });
  const speaker = await publishTone(server.url, spaceId, host.token, { hz: 440 });
  await stage.command({ type: 'unmute' });
  const { hls } = (await api(server.url, 'GET', `/v1/spaces/${spaceId}/media`)).body as { hls: string };
  await fetch(`${server.url}${hls}?_HLS_msn=1`); // the first segment exists
  const pages = await servePlayerPages();
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  const b = browser;
  const results: Record<string, LatencyRun[]> = {};
  for (let i = 0; i < runs; i++) {
    for (const kind of players) {
      const ctx = await b.newContext();
      try {
        const r = await measureLatency(() => ctx.newPage(), pages.url(kind, server.url + hls));
        (results[kind] ??= []).push(r);
        console.log(
          `${kind} run ${i + 1}: start ${r.startS.toFixed(1)} s, behind p50 ${r.p50.toFixed(2)} p95 ` +
            `${r.p95.toFixed(2)} s, ` +
            (r.startupS === null
              ? ''
              : `player start-up ${r.startupS.toFixed(2)} s, behind minus start-up ${(r.p50 - r.startupS).toFixed(2)} s, `) +
            `stalls ${r.stalls}, errors [${r.errors.join(', ')}]`,
        );
      } catch (err) {
        console.log(`${kind} run ${i + 1}: ${(err as Error).message}`);
      } finally {
        await ctx.close();
      }
    }
  }
  const rows = Object.entries(results).map(([kind, rs]) => {
    const p50s = rs.map((r) => r.p50).sort((x, y) => x - y);
    const all = rs.flatMap((r) => r.samples).sort((x, y) => x - y);
    return [
      kind,
      String(rs.length),
      quantile(all, 0.5).toFixed(2),
      quantile(all, 0.95).toFixed(2),
      `${p50s[0]?.toFixed(2)}–${p50s.at(-1)?.toFixed(2)}`,
      Math.max(...rs.map((r) => r.p95)).toFixed(2),
      String(rs.reduce((n, r) => n + r.stalls, 0)),
      (rs.reduce((n, r) => n + r.startS, 0) / rs.length).toFixed(1),
    ];
  });
  const head = ['player', 'runs', 'p50, s', 'p95, s', "runs' p50 range, s", 'worst run p95, s'];
  head.push('stalls', 'mean time to play, s');
  console.log(markdownTable(head, rows));
  await speaker.close();
  stage.close();
  await pages.close();
} finally {
  await browser?.close();
  for (const l of loops) l.kill();
  await server.stop();
}
