/**
 * Configuration: defaults < environment (ROSTRA_*) < command-line flags. Validated once at start;
 * a bad value stops the process with a message naming the setting.
 */
import { z } from 'zod';
import { resolve } from 'node:path';

export const configSchema = z.object({
  /** TCP port of the HTTP/WebSocket server; 0 = any free port */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** address to bind; 127.0.0.1 by default, 0.0.0.0 to serve a network */
  host: z.string().min(1).default('127.0.0.1'),
  /** folder for the SQLite file, the token secret and recordings */
  dataDir: z.string().min(1).default('./data'),
  /** HS256 secret for tokens; empty = read or create dataDir/token-secret */
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
  /** frames (20 ms each) per WebSocket audio batch */
  batchFrames: z.coerce.number().int().min(1).max(25).default(3),
});
export type Config = z.infer<typeof configSchema>;

const ENV: Record<keyof Config, string> = {
  port: 'ROSTRA_PORT',
  host: 'ROSTRA_HOST',
  dataDir: 'ROSTRA_DATA_DIR',
  tokenSecret: 'ROSTRA_TOKEN_SECRET',
  tokenTtlS: 'ROSTRA_TOKEN_TTL_S',
  logLevel: 'ROSTRA_LOG_LEVEL',
  webRoot: 'ROSTRA_WEB_ROOT',
  hostGraceMs: 'ROSTRA_HOST_GRACE_MS',
  batchFrames: 'ROSTRA_BATCH_FRAMES',
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
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

export function configHelp(): string {
  const shape = configSchema.shape;
  return (Object.keys(ENV) as (keyof Config)[])
    .map((key) => {
      const def = shape[key].parse(undefined) as unknown;
      return `  ${flagName(key).padEnd(18)} ${ENV[key].padEnd(22)} default ${JSON.stringify(def)}`;
    })
    .join('\n');
}
