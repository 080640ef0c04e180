/**
 * One real server in this process and a temporary report folder for the load tool's
 * integration tests; `run(flags)` runs `rostra load` against that server with the flags every
 * test uses (quiet, no settle wait) plus its own.
 */
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './server.js';
import { parseLoadFlags, runLoad } from '../../src/load/index.js';

export function useLoadServer(): {
  server: () => TestServer;
  run: (flags: Record<string, string>) => ReturnType<typeof runLoad>;
} {
  let server: TestServer | undefined;
  let out = '';
  before(async () => {
    server = await startTestServer();
    out = mkdtempSync(join(tmpdir(), 'rostra-load-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(out, { recursive: true, force: true });
  });
  const current = (): TestServer => {
    if (!server) throw new Error('the load test server is not started');
    return server;
  };
  return {
    server: current,
    run: (flags) =>
      runLoad(
        parseLoadFlags({
          '--url': current().url,
          '--settle-s': '0',
          '--out': out,
          '--quiet': 'true',
          ...flags,
        }),
      ),
  };
}
