/**
 * Configuration: defaults < environment (ROSTRA_*) < command-line flags. Validated once at start;
 * a bad value stops the process with a message naming the setting.
 */
import { z } from 'zod';
import { resolve } from 'node:path';
import { SETTING_HELP } from './config-help.js';
import { parseTrustedProxies } from '../control/net/client-address.js';

/** an on/off setting: true/false, 1/0, yes/no, on/off (a bare `--flag` is 'true') */
const onOff = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  return v;
}, z.boolean());

export const configSchema = z.object({
  /** TCP port of the HTTP/WebSocket server; 0 = any free port */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** address to bind; 127.0.0.1 by default, 0.0.0.0 to serve a network */
  host: z.string().min(1).default('127.0.0.1'),
  /** folder for the SQLite file, the token secret and (by default) recordings */
  dataDir: z.string().min(1).default('./data'),
  /** folder for recordings; empty = <dataDir>/recordings. Cluster: one folder all nodes share */
  recordingsDir: z.string().default(''),
  /** HS256 secret for tokens; empty = read or create dataDir/jwt-secret */
  tokenSecret: z.string().default(''),
  /** lifetime of tokens minted at sign-in, seconds */
  tokenTtlS: z.coerce
    .number()
    .int()
    .min(60)
    .max(90 * 24 * 3600)
    .default(7 * 24 * 3600),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** serve the bundled web app from this folder; empty = web/dist next to the package */
  webRoot: z.string().default(''),
  /** ms the host may be away before a co-host leads */
  hostGraceMs: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** ms a live Space may go with nobody on stage connected before it ends itself; 0 = never */
  unattendedEndMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .default(300_000),
  /** frames (20 ms each) per WebSocket audio batch */
  batchFrames: z.coerce.number().int().min(1).max(25).default(3),
  /** frames (20 ms each) per Ogg page on the Ogg tier: 10 = 200 ms pages, 50 = 1 s (fewer writes, more delay) */
  oggPageFrames: z.coerce.number().int().min(1).max(50).default(10),
  /** PNG/JPEG shown as the video of restreams asked for with video 'image'; empty = a plain card */
  restreamImage: z.string().default(''),
  /** cluster mode (with databaseUrl): redis://host:port/db for the bus and leases; empty = embedded */
  redisUrl: z.string().default(''),
  /** cluster mode (with redisUrl): postgres://user@host:port/db for the store; empty = SQLite */
  databaseUrl: z.string().default(''),
  /** cluster: PostgreSQL schema of this deployment (created if missing) */
  pgSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('public'),
  /** cluster: prefix of every Redis key and channel of this deployment */
  redisPrefix: z.string().min(1).default('rostra:'),
  /** cluster: this node's id (unique per node); empty = random at start */
  nodeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,64}$/)
    .default(''),
  /** cluster: base URL other nodes and clients reach this node at; empty = http://host:port */
  publicUrl: z.string().default(''),
  /** cluster: ms a Space's home lease lives without renewal (renewed every third of it) */
  homeLeaseMs: z.coerce.number().int().min(300).max(60_000).default(3_000),
  /** cluster: ms over which a draining node moves its listeners away (SIGTERM) */
  drainMs: z.coerce.number().int().min(0).max(120_000).default(2_000),
  /** admission (docs/admission.md): listen sockets this node holds; beyond, newcomers go to LL-HLS or wait */
  maxListeners: z.coerce.number().int().min(1).max(1_000_000).default(14_000),
  /** admission: listener joins per second this node admits (a storm is paced, not refused) */
  joinRate: z.coerce.number().min(1).max(100_000).default(1_000),
  /** admission: burst of joins admitted at once */
  joinBurst: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
  /** admission: people in the waiting room at most */
  maxWaiting: z.coerce.number().int().min(0).max(1_000_000).default(4_000),
  /** admission: listener joins per second per client address (bursts of 5x) */
  addressJoinRate: z.coerce.number().min(0.1).max(100_000).default(10),
  /** addresses / CIDR ranges of reverse proxies whose X-Forwarded-For names the client (docs/security.md); empty = none */
  trustedProxies: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseTrustedProxies(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  /** ms a client has to send a whole request (headers and body); slower ones are cut (408) */
  requestTimeoutMs: z.coerce.number().int().min(1_000).max(600_000).default(20_000),
  /** connections one client address may hold open at once, every tier together (0 = no cap) */
  maxConnectionsPerAddress: z.coerce.number().int().min(0).max(1_000_000).default(256),
  /** run the stage plane (speakers' WebRTC, forwarding, mixers) on its own worker thread (docs/stage.md) */
  stageThread: onOff.default(true),
  /** nice value of the stage thread, -20..0: ahead of the fan-out on a shared core (docs/stage.md) */
  stageNice: z.coerce.number().int().min(-20).max(0).default(-20),
  /** live captions engine (docs/captions.md): off, or pocketsphinx (Debian's, one process per speaker) */
  captions: z.enum(['off', 'pocketsphinx']).default('off'),
  /** pocketsphinx model folder; empty = Debian's /usr/share/pocketsphinx/model/en-us */
  captionsModelDir: z.string().default(''),
  /** webhooks (docs/webhooks.md): the deployment's endpoint URLs, comma-separated; empty = none */
  webhookUrls: z.string().default(''),
  /** webhooks: the signing secret of those endpoints, `whsec_<base64>` (Standard Webhooks) */
  webhookSecret: z.string().default(''),
  /** webhooks: may a host set an endpoint for their Space: off, https (https URLs only) or any */
  spaceWebhooks: z.enum(['off', 'https', 'any']).default('https'),
  /** webhooks: attempts per delivery before it is given up (retries back off from 5 s to 4 h) */
  webhookMaxAttempts: z.coerce.number().int().min(1).max(50).default(9),
});
export type Config = z.infer<typeof configSchema>;

const ENV: Record<keyof Config, string> = {
  port: 'ROSTRA_PORT',
  host: 'ROSTRA_HOST',
  dataDir: 'ROSTRA_DATA_DIR',
  recordingsDir: 'ROSTRA_RECORDINGS_DIR',
  tokenSecret: 'ROSTRA_TOKEN_SECRET',
  tokenTtlS: 'ROSTRA_TOKEN_TTL_S',
  logLevel: 'ROSTRA_LOG_LEVEL',
  webRoot: 'ROSTRA_WEB_ROOT',
  hostGraceMs: 'ROSTRA_HOST_GRACE_MS',
  unattendedEndMs: 'ROSTRA_UNATTENDED_END_MS',
  batchFrames: 'ROSTRA_BATCH_FRAMES',
  oggPageFrames: 'ROSTRA_OGG_PAGE_FRAMES',
  restreamImage: 'ROSTRA_RESTREAM_IMAGE',
  redisUrl: 'REDIS_URL',
  databaseUrl: 'DATABASE_URL',
  pgSchema: 'ROSTRA_PG_SCHEMA',
  redisPrefix: 'ROSTRA_REDIS_PREFIX',
  nodeId: 'ROSTRA_NODE_ID',
  publicUrl: 'ROSTRA_PUBLIC_URL',
  homeLeaseMs: 'ROSTRA_HOME_LEASE_MS',
  drainMs: 'ROSTRA_DRAIN_MS',
  maxListeners: 'ROSTRA_MAX_LISTENERS',
  joinRate: 'ROSTRA_JOIN_RATE',
  joinBurst: 'ROSTRA_JOIN_BURST',
  maxWaiting: 'ROSTRA_MAX_WAITING',
  addressJoinRate: 'ROSTRA_ADDRESS_JOIN_RATE',
  trustedProxies: 'ROSTRA_TRUSTED_PROXIES',
  requestTimeoutMs: 'ROSTRA_REQUEST_TIMEOUT_MS',
  maxConnectionsPerAddress: 'ROSTRA_MAX_CONNECTIONS_PER_ADDRESS',
  stageThread: 'ROSTRA_STAGE_THREAD',
  stageNice: 'ROSTRA_STAGE_NICE',
  captions: 'ROSTRA_CAPTIONS',
  captionsModelDir: 'ROSTRA_CAPTIONS_MODEL_DIR',
  webhookUrls: 'ROSTRA_WEBHOOK_URLS',
  webhookSecret: 'ROSTRA_WEBHOOK_SECRET',
  spaceWebhooks: 'ROSTRA_SPACE_WEBHOOKS',
  webhookMaxAttempts: 'ROSTRA_WEBHOOK_MAX_ATTEMPTS',
};

/** Flag names are the keys in kebab-case: --data-dir, --host-grace-ms, … */
export const flagName = (key: string): string => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export function loadConfig(flags: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV) as (keyof Config)[]) {
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') raw[key] = fromEnv;
    const fromFlag = flags[flagName(key)];
    if (fromFlag !== undefined) raw[key] = fromFlag;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '?');
    throw new Error(
      `invalid setting ${flagName(key)} / ${ENV[key as keyof Config] ?? key}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const recordingsDir = parsed.data.recordingsDir ? resolve(parsed.data.recordingsDir) : '';
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir), recordingsDir };
}

/** every setting: its config key, flag and environment variable (docs-agree.test.ts checks the README) */
export function settingNames(): { key: keyof Config; flag: string; env: string }[] {
  return (Object.keys(ENV) as (keyof Config)[]).map((key) => ({ key, flag: flagName(key), env: ENV[key] }));
}

/** every setting has its --help line (config-help.ts) */
SETTING_HELP satisfies Record<keyof Config, string>;

/** `rostra --help`: flag, environment variable, default, and what the setting does */
export function configHelp(): string {
  const shape = configSchema.shape;
  return (Object.keys(ENV) as (keyof Config)[])
    .map((key) => {
      const def = shape[key].parse(undefined) as unknown;
      const head = `  ${flagName(key).padEnd(18)} ${ENV[key].padEnd(22)} default ${JSON.stringify(def)}`;
      return `${head}
${wrap(SETTING_HELP[key], 96, '      ')}`;
    })
    .join('\n');
}

/** `text` in lines of at most `width` characters, each starting with `indent` */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}
