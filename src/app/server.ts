/**
 * The composition root: picks the adapters from configuration and wires the planes.
 * Embedded default: SQLite file in dataDir, in-memory bus, one process.
 */
import { RestreamManager } from '../audience/restream/index.js';
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { systemClock } from '../core/ports/clock.js';
import type { Logger } from '../core/log.js';
import { SqliteStore } from '../adapters/store-sqlite/index.js';
import { PocketsphinxEngine, pocketsphinxAvailable } from '../adapters/captions-pocketsphinx/index.js';
import type { CaptionEngine } from '../core/ports/captions.js';
import { createHttpApp } from '../control/http/app.js';
import { installWebSockets } from '../control/ws/upgrade.js';
import { DEFAULT_CONTROL_LIMITS, type ControlDeps } from '../control/ports.js';
import { Admission } from '../control/admission.js';
import { createClientNet } from '../control/net/index.js';
import { createAccountService, createTokenService, loadTokenSecret } from '../control/auth/index.js';
import type { Config } from './config.js';
import { ClusterSpaceHub } from '../cluster/index.js';
import { createHub, isClusterConfig, openClusterAdapters, type ClusterAdapters } from './cluster-adapters.js';
import { createMetrics } from './metrics.js';
import { createStagePlane } from '../runtime/stage-adapter.js';
import { startThreadedStagePlane } from '../runtime/stage-thread.js';
import { createHlsOggTiers } from '../runtime/tiers/hls-ogg.js';
import { createRecorderTier } from '../runtime/tiers/recorder.js';
import { createWebhooks, type Webhooks, type WebhooksOptions } from '../integrations/webhooks/index.js';
import { deploymentEndpoints } from '../integrations/webhooks/settings.js';

export interface RunningRostra {
  /** http://host:port */
  url: string;
  port: number;
  config: Config;
  log: Logger;
  /** listener admission of this node (stats for tests and operators) */
  admission: Admission;
  /** this node's webhook emitter and dispatcher (docs/webhooks.md) */
  webhooks: Webhooks;
  /** cluster mode: this node's id; null on an embedded (single) node */
  nodeId: string | null;
  /** stops accepting, closes sockets, media and the store; idempotent */
  close(): Promise<void>;
}

const packageRoot = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../' : '../../../', import.meta.url),
);

/**
 * `inject.cluster`: ready-made cluster adapters (one-process cluster tests over bus-memory);
 * `inject.webhookDispatch`: dispatcher tuning (tests: retries in ms, not minutes)
 */
export async function startRostra(
  config: Config,
  inject: { cluster?: ClusterAdapters; webhookDispatch?: WebhooksOptions['dispatch'] } = {},
): Promise<RunningRostra> {
  const log = pino({ level: config.logLevel, base: { app: 'rostra' } }) as unknown as Logger;
  // the data folder holds the database (password hashes), the token secret and recordings:
  // private to the server's user, also when an older version created it world-readable
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  const cluster = inject.cluster ?? (isClusterConfig(config) ? await openClusterAdapters(config, log) : null);
  const store = cluster?.store ?? new SqliteStore({ path: join(config.dataDir, 'rostra.db') });
  const secret = await loadTokenSecret({ secret: config.tokenSecret, dataDir: config.dataDir });
  const tokens = createTokenService({ secret, ttlS: config.tokenTtlS });
  const accounts = createAccountService(store);
  /** the deployment's public URL for links in webhooks; the bound URL once listening if unset */
  let publicBase = config.publicUrl.replace(/\/+$/, '');
  const webhooks = createWebhooks({
    outbox: store.webhooks,
    endpoints: deploymentEndpoints(config.webhookUrls, config.webhookSecret),
    spaceUrls: config.spaceWebhooks,
    nodeId: cluster?.nodeId ?? 'local',
    baseUrl: () => publicBase,
    log,
    now: () => systemClock.now(),
    dispatch: { maxAttempts: config.webhookMaxAttempts, ...inject.webhookDispatch },
  });
  const stageLog = log.child({ plane: 'stage' });
  // default: the stage on its own thread, away from the audience fan-out (docs/stage.md)
  const stage = config.stageThread
    ? await startThreadedStagePlane({ log: stageLog, logLevel: config.logLevel, nice: config.stageNice })
    : createStagePlane(stageLog);
  const media = createHlsOggTiers({
    secret,
    log: log.child({ tier: 'http-media' }),
    ogg: { framesPerPage: config.oggPageFrames },
  });
  // repairs recordings a crash left unfinished, before anything is served
  const recorder = createRecorderTier({
    recordingsDir: config.recordingsDir || join(config.dataDir, 'recordings'),
    node: cluster?.nodeId,
    log: log.child({ tier: 'recorder' }),
  });
  const captions = captionEngine(config, log);
  // RTMP out: one supervised ffmpeg per restreamed Space, reading this node's Ogg stream of it
  const restreams = new RestreamManager({
    ogg: (id) => media.ogg(id),
    log: log.child({ tier: 'restream' }),
    imagePath: config.restreamImage ? resolve(config.restreamImage) : undefined,
  });
  const hub = createHub(cluster, config, {
    store,
    clock: systemClock,
    log,
    stage,
    hostGraceMs: config.hostGraceMs,
    unattendedEndMs: config.unattendedEndMs,
    batchFrames: config.batchFrames,
    sinks: [...media.sinks, recorder.sink],
    ...(captions && { captions }),
    onRoom: (room) => webhooks.observeRoom(room),
  });
  const net = createClientNet(config);
  const admission = new Admission({
    exemptLoopback: !net.trusted.any,
    maxListeners: config.maxListeners,
    joinPerSecond: config.joinRate,
    joinBurst: config.joinBurst,
    maxWaiting: config.maxWaiting,
    addressJoinPerSecond: config.addressJoinRate,
    addressJoinBurst: Math.max(1, Math.round(config.addressJoinRate * 5)),
  });
  const metrics = createMetrics({
    rooms: () => hub.stats().rooms,
    listeners: () => hub.stats().listeners,
    stageSockets: () => hub.stats().stageSockets,
    audience: () => hub.audienceStats(),
    mixer: () => stage.stats(),
    media: () => media.stats(),
    admission: () => admission.stats(),
    restreams: () => restreams.stats(),
  });
  const deps: ControlDeps = {
    store,
    tokens,
    accounts,
    hub,
    log,
    webRoot: config.webRoot ? resolve(config.webRoot) : join(packageRoot, 'web', 'dist'),
    metrics: () => metrics.text(),
    now: () => systemClock.now(),
    limits: DEFAULT_CONTROL_LIMITS,
    media,
    recordings: recorder.recordings,
    admission,
    net,
    webhooks: webhooks.port,
    restreams,
  };
  const app = await createHttpApp(deps);
  const sockets = installWebSockets(app.server, deps);
  // a join storm arrives faster than one event loop accepts: a deep accept queue (capped by
  // net.core.somaxconn, 4096 here) holds the burst instead of resetting connections
  await app.listen({ port: config.port, host: config.host, backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  publicBase ||= url;
  if (hub instanceof ClusterSpaceHub) await hub.start(config.publicUrl || url);
  log.info({ url, dataDir: config.dataDir }, 'rostra listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    log,
    admission,
    webhooks,
    nodeId: cluster?.nodeId ?? null,
    close() {
      closing ??= (async () => {
        if (hub instanceof ClusterSpaceHub) await hub.drain({ spreadMs: config.drainMs });
        admission.close();
        await restreams.close();
        sockets.close();
        await hub.close();
        await app.close();
        await stage.close();
        await webhooks.close();
        await store.close();
        await cluster?.close();
        log.info({}, 'rostra stopped');
      })();
      return closing;
    },
  };
}

/** the configured speech recogniser for live captions, or undefined (captions off) */
function captionEngine(config: Config, log: Logger): CaptionEngine | undefined {
  if (config.captions === 'off') return undefined;
  const options = config.captionsModelDir ? { modelDir: config.captionsModelDir } : {};
  if (!pocketsphinxAvailable(options)) {
    throw new Error(
      '--captions pocketsphinx: pocketsphinx_continuous or its model is missing (apt install pocketsphinx pocketsphinx-en-us)',
    );
  }
  log.info({ engine: 'pocketsphinx' }, 'live captions on (one recogniser process per captioned speaker)');
  return new PocketsphinxEngine(options);
}
