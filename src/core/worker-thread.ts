/**
 * Starts a worker thread whose entry module sits next to the caller's module, both when the
 * project runs built (.js files: the entry is loaded as is) and under tsx (tests, dev: .ts files).
 * Node 20 does not apply `--import tsx` inside workers, so under tsx a two-line bootstrap
 * registers tsx in the worker before importing the entry.
 *
 * Workers that encode or decode Opus must pass `OPUS_FORCE_WASM: '1'` in `env`: @evan/opus's
 * native addon crashes the process when a worker thread that loaded it exits.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `callerUrl` is the caller's `import.meta.url`; `entry` the entry's path relative to it,
 * without extension (e.g. './mixer-worker').
 */
export function startModuleWorker(
  callerUrl: string,
  entry: string,
  options: Omit<WorkerOptions, 'eval'> = {},
): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, callerUrl), options);
  const entryUrl = new URL(`${entry}.ts`, callerUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot =
    `import(${JSON.stringify(tsx)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(entryUrl)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
