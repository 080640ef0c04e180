/**
 * `rostra load [flags]`: parses the flags (LOAD_HELP), runs the load, prints a progress line a
 * second and a summary at the end. Returns the exit status: 0 run completed, 1 setup or run
 * error, 2 bad flags.
 */
import { LOAD_HELP, parseLoadFlags, type LoadOptions } from './options.js';
import type { LoadReport } from './report.js';
import { runLoad } from './run.js';

export async function runLoadCommand(flags: Record<string, string>): Promise<number> {
  if (flags['--help'] === 'true') {
    process.stdout.write(LOAD_HELP);
    return 0;
  }
  let options: LoadOptions;
  try {
    options = parseLoadFlags(flags);
  } catch (e) {
    process.stderr.write(`rostra load: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runLoad(options, (line) => process.stderr.write(line + '\n'), stop.signal);
    process.stdout.write(summaryText(result.report));
    process.stdout.write(`report: ${result.reportPath}\nchart:  ${result.chartPath}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`rostra load: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** a few lines for people; the JSON report has everything */
/**
 * A node's RSS moves by this much on its own (GC, allocator, lazily loaded code), MiB: a rise
 * smaller than that says nothing per listener, and at small N it even came out negative.
 */
export const RSS_NOISE_BYTES = 16 * 2 ** 20;

/** "N B per listener", or that the rise was below the noise (then no per-listener figure) */
export function rssPerListenerText(srv: {
  rssPeakBytes: number;
  rssBaselineBytes: number;
  rssPerListenerBytes: number;
}): string {
  const grew = srv.rssPeakBytes - srv.rssBaselineBytes;
  if (grew < RSS_NOISE_BYTES)
    return `memory per listener below the noise (RSS rose ${(grew / 2 ** 20).toFixed(1)} MB over its baseline, under the ${RSS_NOISE_BYTES / 2 ** 20} MB it moves by itself)`;
  return `${Math.round(srv.rssPerListenerBytes)} B per listener`;
}

export function summaryText(r: LoadReport): string {
  const l = r.listeners;
  const srv = r.cpu.server;
  const lines = [
    `listeners: ${l.joined}/${l.requested} joined, ${l.gotAudio} got audio, ${l.failedJoins} failed joins, ${l.dropped} dropped` +
      (Object.keys(l.failures).length ? ` (${JSON.stringify(l.failures)})` : ''),
    `time to first audio ms: p50 ${r.timeToFirstAudioMs.p50} p99 ${r.timeToFirstAudioMs.p99} max ${r.timeToFirstAudioMs.max}`,
    `delay behind live ms (steady): p50 ${r.steadyDelayMs.p50} p99 ${r.steadyDelayMs.p99} max ${r.steadyDelayMs.max}` +
      `; whole run p99 ${r.delayMs.p99}`,
    `stalls: ${r.stalls.count}, ${r.stalls.steadyCount} of them in the steady window (p99 ${r.stalls.durationMs.p99} ms), seq gaps ${r.seqGaps.count} (${r.seqGaps.framesMissing} frames)`,
    `load tool CPU: ${r.cpu.client.usPerListenerSecond} µs per listener-second, worst event-loop lag ${r.toolMaxLagMs} ms` +
      (r.toolMaxLagMs >= 200 ? ' (the tool itself lagged: stalls may be its own)' : ''),
    `per-listener-second figures from: ${r.steadyWindow.used === 'steady' ? `the steady window ${r.steadyWindow.fromS}-${r.steadyWindow.toS} s` : 'the whole run (not everyone joined)'}`,
  ];
  const st = r.stage;
  if (st.speakerToSpeakerMs.all.count > 0)
    lines.push(
      `speaker-to-speaker ms: before listeners p50 ${st.speakerToSpeakerMs.baseline.p50} p99 ${st.speakerToSpeakerMs.baseline.p99}` +
        `, steady p50 ${st.speakerToSpeakerMs.steady.p50} p99 ${st.speakerToSpeakerMs.steady.p99}`,
    );
  if (st.mixerOnTime.baseline !== null || st.mixerOnTime.steady !== null)
    lines.push(
      `mixer on time: before listeners ${st.mixerOnTime.baseline ?? '-'}, steady ${st.mixerOnTime.steady ?? '-'}`,
    );
  if (srv)
    lines.push(
      `server CPU: ${srv.usPerListenerSecond} µs per listener-second (net of baseline ${srv.netUsPerListenerSecond}), ` +
        `RSS ${Math.round(srv.rssPeakBytes / 2 ** 20)} MB peak, ${rssPerListenerText(srv)}`,
    );
  if (r.cpu.edge)
    lines.push(
      `edge (cache in front) CPU: ${r.cpu.edge.usPerListenerSecond} µs per listener-second, ${r.cpu.edge.avgPct} % of a core on average`,
    );
  if (r.origin.hlsRequestsPerSecond !== null && r.options.tier === 'hls')
    lines.push(`LL-HLS requests that reached the node (steady): ${r.origin.hlsRequestsPerSecond} per second`);
  return lines.join('\n') + '\n';
}
