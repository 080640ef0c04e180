/**
 * The shipped deploy/nginx/rostra-cache.conf run as a caching edge in front of one Rostra node,
 * in a temporary prefix folder, for the nginx test (test/integration/nginx-cache.test.ts) and
 * the LL-HLS edge benchmark (bench/hls-edge.ts). Only the config's three lines marked
 * "# test:" are rewritten (origin, listen address, cache path).
 * Lifecycle: startNginxEdge() -> stop() (idempotent; SIGQUIT, SIGKILL after 3 s).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endChild, exitOf } from '../../src/load/server-process.js';

export const NGINX = '/usr/sbin/nginx';
const CONF = join(import.meta.dirname, '../../deploy/nginx/rostra-cache.conf');

export interface NginxEdge {
  /** http://127.0.0.1:port of the edge */
  url: string;
  /** the master process */
  pid: number;
  /** the worker process, which does the serving (worker_processes 1) */
  workerPid: number;
  stop(): Promise<void>;
}

export interface NginxEdgeOptions {
  /** pin nginx with taskset -c (e.g. "1") */
  cpus?: string;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** the shipped config with only its three "# test:" lines pointed at this run */
export function renderEdgeConf(originPort: number, edgePort: number, cacheDir: string): string {
  const shipped = readFileSync(CONF, 'utf8');
  const lines = shipped.split('\n').map((line) => {
    if (!/; # test: /.test(line)) return line;
    if (line.includes('# test: cache path')) return line.replace('/var/cache/nginx/rostra', cacheDir);
    if (line.includes('# test: origin')) return line.replace('127.0.0.1:8080', `127.0.0.1:${originPort}`);
    if (line.includes('# test: listen')) return line.replace('listen 80;', `listen 127.0.0.1:${edgePort};`);
    throw new Error(`unknown test marker: ${line}`);
  });
  const rendered = lines.join('\n');
  const pointed =
    rendered.includes(cacheDir) && rendered.includes(`:${originPort};`) && rendered.includes(`:${edgePort};`);
  if (!pointed) throw new Error('the shipped nginx config no longer has its three test markers');
  return rendered;
}

export async function startNginxEdge(originPort: number, opts: NginxEdgeOptions = {}): Promise<NginxEdge> {
  if (!existsSync(NGINX)) throw new Error('nginx is not installed (apt-get install nginx)');
  const dir = mkdtempSync(join(tmpdir(), 'rostra-nginx-'));
  chmodSync(dir, 0o755); // workers run as nobody when this runs as root
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  writeFileSync(join(dir, 'rostra-cache.conf'), renderEdgeConf(originPort, port, join(dir, 'cache')));
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      // one socket per listener plus the origin's: as many as this machine lets a process hold
      'worker_rlimit_nofile 19000;',
      'pid nginx.pid;',
      'error_log stderr warn;',
      'events { worker_connections 18000; }',
      'http {',
      '  access_log off;',
      '  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fcgi;',
      '  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;',
      '  include rostra-cache.conf;',
      '}',
    ].join('\n'),
  );
  const cmd = [NGINX, '-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')];
  const [bin, args] = opts.cpus ? ['taskset', ['-c', opts.cpus, ...cmd]] : [NGINX, cmd.slice(1)];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = exitOf(child);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await endChild(child, exited, 'SIGQUIT', 3000);
      rmSync(dir, { recursive: true, force: true });
    })());
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    try {
      await fetch(url + '/healthz');
      const pid = child.pid ?? 0;
      return { url, pid, workerPid: childrenOf(pid)[0] ?? 0, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`nginx did not start: ${stderr}`);
}

/** pids of a process's children (Linux /proc) */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
