/**
 * `--spawn-server`: runs `rostra start` in a child process (optionally pinned with taskset) on a
 * free port with a temporary data folder, reads its URL from the first stdout line, and stops
 * it with SIGTERM (SIGKILL after 5 s). Under tsx the TypeScript CLI runs, else the compiled one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  pid: number;
  /** stops the child and removes its data folder; idempotent */
  stop(): Promise<void>;
}

/** ms to wait for the child to print its URL */
const START_TIMEOUT_MS = 20_000;

export async function spawnServer(cpus: string): Promise<ServerProcess> {
  const fromTs = import.meta.url.endsWith('.ts');
  const cli = fileURLToPath(new URL(fromTs ? '../app/cli.ts' : '../app/cli.js', import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), 'rostra-load-server-'));
  const nodeArgs = [...(fromTs ? ['--import', 'tsx'] : []), cli, 'start', '--port', '0'];
  nodeArgs.push('--data-dir', dataDir, '--log-level', 'warn');
  const [cmd, args] = cpus
    ? ['taskset', ['-c', cpus, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child: ChildProcess = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = exitOf(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error('spawned server did not start in time')),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`spawned server exited with ${code}`));
    });
  });
  let stopping: Promise<void> | null = null;
  return {
    url,
    pid: child.pid ?? 0,
    stop() {
      stopping ??= (async () => {
        await endChild(child, exited, 'SIGTERM', 5000);
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** resolves when `child` has exited (take it right after spawn, before it can exit) */
export function exitOf(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

/** ends a child process politely with `signal`, then with SIGKILL after `graceMs` */
export async function endChild(
  child: ChildProcess,
  exited: Promise<void>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
