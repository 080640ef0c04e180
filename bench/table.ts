/** The results table both tier benchmarks print (markdown). */
import type { LoadReport } from '../src/load/index.js';
import { loopbackRxLabel } from './loopback-rx.js';

export const TABLE_HEAD = [
  'N',
  'lo rx',
  'joined/failed/dropped',
  'got audio',
  'srv µs/lis·s',
  'net µs/lis·s',
  'srv cpu% avg/idle',
  'RSS KiB/lis',
  'stalls (steady)/frames lost',
  'delay ms p50/p99/max',
  'TTFA ms p50/p99',
  'tool µs/lis·s',
];

export function tableRow(n: number, r: LoadReport): string[] {
  const s = r.cpu.server;
  return [
    String(n),
    loopbackRxLabel(r.machine.loopbackRpsCpus),
    `${r.listeners.joined}/${r.listeners.failedJoins}/${r.listeners.dropped}`,
    String(r.listeners.gotAudio),
    s ? s.usPerListenerSecond.toFixed(1) : '-',
    s ? s.netUsPerListenerSecond.toFixed(1) : '-',
    s ? `${s.avgPct}/${s.baselinePct}` : '-',
    s ? (s.rssPerListenerBytes / 1024).toFixed(1) : '-',
    `${r.stalls.count} (${r.stalls.steadyCount ?? '?'})/${r.seqGaps.framesMissing}`,
    `${r.steadyDelayMs.p50}/${r.steadyDelayMs.p99}/${r.steadyDelayMs.max}`,
    `${r.timeToFirstAudioMs.p50}/${r.timeToFirstAudioMs.p99}`,
    String(r.cpu.client.usPerListenerSecond),
  ];
}

export function markdownTable(head: string[], rows: string[][]): string {
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export const STAGE_HEAD = [
  'N',
  'lo rx',
  'speaker→speaker ms p50/p99, no listeners',
  'same, N listeners (steady)',
  'mixer on time, no listeners',
  'same, N listeners',
];

/** The speaker path before listeners joined vs in the steady window (runs with 2+ speaker bots). */
export function stageRow(n: number, r: LoadReport): string[] {
  const s2s = r.stage.speakerToSpeakerMs;
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)} %`);
  return [
    String(n),
    loopbackRxLabel(r.machine.loopbackRpsCpus),
    `${s2s.baseline.p50}/${s2s.baseline.p99} (${s2s.baseline.count} packets)`,
    `${s2s.steady.p50}/${s2s.steady.p99} (${s2s.steady.count} packets)`,
    pct(r.stage.mixerOnTime.baseline),
    pct(r.stage.mixerOnTime.steady),
  ];
}
