/**
 * `rostra` command line:
 *   rostra start [flags]          run a node (embedded default: SQLite file, in-memory bus)
 *   rostra token --handle NAME    mint a signed token for an existing account
 *   rostra load [flags]           simulated listeners and speakers against a node (see rostra load --help)
 *   rostra --help
 */
import { join } from 'node:path';
import { Grant } from '../protocol/api.js';
import { SqliteStore } from '../adapters/store-sqlite/index.js';
import { PostgresStore } from '../adapters/store-postgres/index.js';
import { isClusterConfig } from './cluster-adapters.js';
import type { Store } from '../core/ports/store.js';
import { createTokenService, loadTokenSecret } from '../control/auth/index.js';
import { runLoadCommand } from '../load/command.js';
import { runAdminCommand } from './admin-command.js';
import { parseArgs } from '../cli/args.js';
import { configHelp, loadConfig } from './config.js';
import { startRostra } from './server.js';

const HELP = `rostra — live audio rooms server

usage:
  rostra start [settings]            run a node on the embedded default (SQLite file, in-memory bus)
  rostra token --handle NAME [--grants listen,speak,admin] [--ttl SECONDS] [--data-dir DIR]
                                     print a signed token for an existing account
  rostra load [flags]                simulated listeners (WebSocket, LL-HLS, Ogg) and speaker bots
                                     against a node on this machine; rostra load --help for flags
  rostra admin <command> [flags]     operator commands over the admin API: spaces, end, webhooks,
                                     webhooks-retry; rostra admin --help for the list
  rostra --help                      this text

settings (flag, environment variable, default):
${configHelp()}

Examples:
  npx rostra start --port 8080
  ROSTRA_DATA_DIR=/var/lib/rostra npx rostra start --host 0.0.0.0
  # a cluster node: every node gets the same shared recordings folder (empty = <data dir>/recordings)
  REDIS_URL=… DATABASE_URL=… npx rostra start --node-id edge-1 --recordings-dir /mnt/rostra-recordings
  npx rostra token --handle alice --grants listen,speak
`;

async function main(argv: readonly string[]): Promise<number> {
  const { command, flags, rest } = parseArgs(argv);
  if (command === 'load') return runLoadCommand(flags);
  if (command === 'admin') return runAdminCommand(rest, flags);
  if (flags['--help'] || command === 'help' || command === '') {
    process.stdout.write(HELP);
    return command === '' && !flags['--help'] ? 2 : 0;
  }
  if (command === 'start') return start(flags);
  if (command === 'token') return token(flags);
  process.stderr.write(`rostra: unknown command '${command}'\n\n${HELP}`);
  return 2;
}

async function start(flags: Record<string, string>): Promise<number> {
  const config = loadConfig(flags);
  const server = await startRostra(config);
  process.stdout.write(`Rostra is running at ${server.url}  (data: ${config.dataDir})\n`);
  process.stdout.write(
    server.nodeId === null
      ? 'mode: embedded (one node, SQLite)\n'
      : `mode: cluster, node ${server.nodeId}, PostgreSQL schema ${config.pgSchema} (created if missing), ` +
          `home leases in Redis hashes ${config.redisPrefix}lease:{space:<id>:home}:lease ` +
          `(ttl ${config.homeLeaseMs} ms); ` +
          `who homes which Space: GET /healthz\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      server.log.info({ signal }, 'stopping');
      void server.close().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

async function token(flags: Record<string, string>): Promise<number> {
  const handle = flags['--handle'];
  if (!handle) {
    process.stderr.write('rostra token: --handle is required\n');
    return 2;
  }
  const grants = (flags['--grants'] ?? 'listen,speak').split(',').map((g) => g.trim());
  const known = Object.values(Grant) as string[];
  const bad = grants.find((g) => !known.includes(g));
  if (bad) {
    process.stderr.write(`rostra token: unknown grant '${bad}' (known: ${known.join(', ')})\n`);
    return 2;
  }
  const config = loadConfig(flags);
  // the same store the node uses: PostgreSQL for a cluster node, else the SQLite file
  const store: Store = isClusterConfig(config)
    ? await PostgresStore.open({ connectionString: config.databaseUrl, schema: config.pgSchema })
    : new SqliteStore({ path: join(config.dataDir, 'rostra.db') });
  try {
    const account = await store.getAccountByHandle(handle.toLowerCase());
    if (!account) {
      process.stderr.write(`rostra token: no account with handle '${handle}'\n`);
      return 1;
    }
    const ttlS = flags['--ttl'] ? Number(flags['--ttl']) : config.tokenTtlS;
    const secret = await loadTokenSecret({ secret: config.tokenSecret, dataDir: config.dataDir });
    const minted = await createTokenService({ secret, ttlS }).mint(
      { id: account.id, handle: account.handle },
      grants as Grant[],
    );
    process.stdout.write(minted.token + '\n');
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rostra: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
