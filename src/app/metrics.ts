import { RESTREAM_STATES } from '../protocol/restream.js';
import { Registry, collectDefaultMetrics, Gauge, Counter } from 'prom-client';

/** Numbers the hub and planes expose; read at scrape time, so nothing is updated per frame. */
export interface MetricSources {
  rooms: () => number;
  listeners: () => number;
  stageSockets: () => number;
  audience: () => { batches: number; bytes: number; skipped: number; droppedSlow: number };
  mixer: () => { frames: number; lateTicks: number };
  /** HTTP media tiers: LL-HLS streams packaged here and requests served, Ogg streams and their listeners */
  media: () => { hlsStreams: number; oggStreams: number; oggListeners: number; hlsRequests: number };
  /** admission control of listen sockets */
  admission: () => { waiting: number; admitted: number; queued: number; overflowed: number; refused: number };
  /** RTMP restreams of this node by state, and ffmpeg restarts so far */
  restreams?: () => { byState: Record<string, number>; restarts: number };
}

/** One Prometheus registry per server (so several servers in one test process do not clash). */
export function createMetrics(sources: MetricSources): { registry: Registry; text(): Promise<string> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rostra_process_' });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const counter = (name: string, help: string, read: () => number) => {
    let last = 0;
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read();
        if (now > last) this.inc(now - last);
        last = now;
      },
    });
  };
  gauge('rostra_rooms', 'Spaces with a room actor on this node', sources.rooms);
  gauge('rostra_listeners', 'listener WebSockets open on this node', sources.listeners);
  gauge('rostra_stage_sockets', 'stage WebSockets open on this node', sources.stageSockets);
  counter(
    'rostra_audience_batches_total',
    'audio batches framed for the WebSocket tier',
    () => sources.audience().batches,
  );
  counter('rostra_audience_bytes_total', 'bytes written to listener sockets', () => sources.audience().bytes);
  counter(
    'rostra_audience_skipped_total',
    'batches skipped for slow listeners',
    () => sources.audience().skipped,
  );
  counter(
    'rostra_audience_dropped_slow_total',
    'listeners closed for being too slow',
    () => sources.audience().droppedSlow,
  );
  counter('rostra_mixer_frames_total', 'mixed 20 ms frames produced', () => sources.mixer().frames);
  counter('rostra_mixer_late_ticks_total', 'mixer ticks that ran late', () => sources.mixer().lateTicks);
  gauge('rostra_hls_streams', 'LL-HLS streams packaged on this node', () => sources.media().hlsStreams);
  counter(
    'rostra_hls_requests_total',
    'LL-HLS requests (playlists, parts, init) answered from a stream on this node',
    () => sources.media().hlsRequests,
  );
  gauge('rostra_ogg_listeners', 'Ogg/Opus HTTP listeners on this node', () => sources.media().oggListeners);
  gauge('rostra_admission_waiting', 'listeners in the waiting room', () => sources.admission().waiting);
  counter('rostra_admission_admitted_total', 'listen sockets admitted', () => sources.admission().admitted);
  counter(
    'rostra_admission_queued_total',
    'joins that went through the waiting room',
    () => sources.admission().queued,
  );
  counter(
    'rostra_admission_overflowed_total',
    'joins sent to the LL-HLS tier',
    () => sources.admission().overflowed,
  );
  counter(
    'rostra_admission_refused_total',
    'joins refused (rate limits, server busy)',
    () => sources.admission().refused,
  );
  const restreams = sources.restreams;
  if (restreams) {
    new Gauge({
      name: 'rostra_restreams',
      help: 'RTMP restreams on this node by state (starting, live, retrying, stopped, ended)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const { byState } = restreams();
        for (const state of RESTREAM_STATES) this.set({ state }, byState[state] ?? 0);
      },
    });
    counter(
      'rostra_restream_restarts_total',
      'ffmpeg restarts of restreams after a failure',
      () => restreams().restarts,
    );
  }
  return { registry, text: () => registry.metrics() };
}
