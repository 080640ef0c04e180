/**
 * Benchmark (not a test): the LL-HLS tier straight from the node vs through the shipped nginx
 * cache (deploy/nginx/rostra-cache.conf), side by side for each N:
 *   origin  taskset -c 1 node src/load/main.ts --spawn-server --server-cpus 0 --tier hls ...
 *   nginx   rostra start on core 0, nginx (one worker) on `--edge-cpus` (default 0: core 1 is
 *           the load tool's, and HLS clients are its heaviest tier), then
 *           taskset -c 1 node src/load/main.ts --url ORIGIN --server-pid P --listen-url EDGE
 *             --edge-pid NGINX_WORKER --tier hls ...
 * and prints, per run: LL-HLS requests that reached the node per second (its
 * rostra_hls_requests_total), server and nginx CPU, stalls, delay behind live and time to first
 * audio. What it shows: behind the cache the node's work stays flat as listeners grow.
 *
 *   node --import tsx bench/hls-edge.ts                    # 500 1000 2000
 *   node --import tsx bench/hls-edge.ts --edge-only 4000   # only through nginx
 *   node --import tsx bench/hls-edge.ts --duration 15 200  # a quick run
 * `--loopback-rx tool|sender|both` (default tool): where loopback receive work runs (loopback-rx.ts).
 * Reports go to $TMPDIR/rostra-bench/hls-edge-<time>/<path>-<N>-<rx>/ (report.json, chart.svg).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadReport } from '../src/load/index.js';
import { spawnServer } from '../src/load/server-process.js';
import { startNginxEdge } from '../test/helpers/nginx-edge.js';
import { loopbackRxLabel, takeLoopbackRx, withLoopbackRx } from './loopback-rx.js';
import { runLoad, runRostra, takeFlag, type RunShape } from './runners.js';
import { markdownTable } from './table.js';

const args = process.argv.slice(2);
const duration = Number(takeFlag(args, '--duration', '0'));
const edgeCpus = takeFlag(args, '--edge-cpus', '0');
const rxModes = takeLoopbackRx(args);
const edgeOnly = args[0] === '--edge-only';
const sizes = (edgeOnly ? args.slice(1) : args).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(500, 1_000, 2_000);
const outRoot = join(tmpdir(), 'rostra-bench', `hls-edge-${new Date().toISOString().replace(/[:.]/g, '-')}`);

/** rostra start on core 0 and nginx in front of it, then the load tool through nginx */
async function throughNginx(shape: RunShape): Promise<LoadReport> {
  const server = await spawnServer('0');
  try {
    const edge = await startNginxEdge(Number(new URL(server.url).port), { cpus: edgeCpus });
    try {
      const flags = ['--url', server.url, '--server-pid', String(server.pid), '--tier', 'hls'];
      flags.push('--listen-url', edge.url, '--edge-pid', String(edge.workerPid), '--speakers', '1');
      return await runLoad(shape, flags);
    } finally {
      await edge.stop();
    }
  } finally {
    await server.stop();
  }
}

const HEAD = [
  'N',
  'via',
  'lo rx',
  'joined/failed',
  'got audio',
  'origin LL-HLS req/s',
  'srv cpu% avg/idle',
  'nginx cpu% / µs/lis·s',
  'stalls (steady)/frames lost',
  'delay ms p50/p99',
  'TTFA ms p50/p99',
  'tool µs/lis·s',
];

function row(n: number, via: string, r: LoadReport): string[] {
  const s = r.cpu.server;
  const e = r.cpu.edge;
  return [
    String(n),
    via,
    loopbackRxLabel(r.machine.loopbackRpsCpus),
    `${r.listeners.joined}/${r.listeners.failedJoins}`,
    String(r.listeners.gotAudio),
    String(r.origin.hlsRequestsPerSecond ?? '-'),
    s ? `${s.avgPct}/${s.baselinePct}` : '-',
    e ? `${e.avgPct} / ${e.usPerListenerSecond.toFixed(1)}` : '-',
    `${r.stalls.count} (${r.stalls.steadyCount})/${r.seqGaps.framesMissing}`,
    `${r.steadyDelayMs.p50}/${r.steadyDelayMs.p99}`,
    `${r.timeToFirstAudioMs.p50}/${r.timeToFirstAudioMs.p99}`,
    String(r.cpu.client.usPerListenerSecond),
  ];
}

const rows: string[][] = [];
for (const n of sizes) {
  for (const rx of rxModes) {
    const shape = (via: string): RunShape => ({
      listeners: n,
      duration,
      out: join(outRoot, `${via}-${n}-${rx}`),
    });
    if (!edgeOnly)
      rows.push(
        row(n, 'origin', await withLoopbackRx(rx, () => runRostra(shape('origin'), { tier: 'hls' }))),
      );
    rows.push(row(n, 'nginx', await withLoopbackRx(rx, () => throughNginx(shape('nginx')))));
  }
}
process.stdout.write(
  `\nLL-HLS, origin vs nginx cache — reports: ${outRoot}\n\n${markdownTable(HEAD, rows)}\n`,
);
