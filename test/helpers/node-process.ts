/**
 * Runs a Rostra node as a child process (`node --import tsx src/app/cli.ts start ...`, no build)
 * for multi-process cluster tests and measurements. Resolves once the node prints its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface NodeProcess {
  id: string;
  url: string;
  child: ChildProcess;
  /** stdout + stderr so far (for failure messages) */
  output(): string;
  /** resolves with the exit code (or signal name) */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

export async function startNodeProcess(
  id: string,
  flags: Record<string, string>,
  timeoutMs = 20_000,
  /** added to the environment (e.g. NODE_OPTIONS='--inspect=127.0.0.1:0' to stall it from a test) */
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const args = ['--import', 'tsx', 'src/app/cli.ts', 'start', '--port', '0', '--node-id', id];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, v);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // a node that never came up is nobody's to clean up: end it here, or it outlives the test
      child.kill('SIGKILL');
      reject(new Error(`node ${id} did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = () => {
      const m = /Rostra is running at (http:\/\/\S+)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node ${id} exited (${code}) before starting:\n${out}`));
    });
  });
  return {
    id,
    url,
    child,
    output: () => out,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
