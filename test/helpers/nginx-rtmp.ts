/**
 * A local RTMP ingest for restream tests: nginx with Debian's libnginx-mod-rtmp in a temporary
 * prefix, one application `live` that relays what is published to whoever plays it.
 * Lifecycle: startNginxRtmp(port?) -> stop() (idempotent; SIGQUIT, SIGKILL after 3 s).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endChild, exitOf } from '../../src/load/server-process.js';
import { NGINX, freePort } from './nginx-edge.js';

export const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface NginxRtmp {
  port: number;
  /** rtmp://127.0.0.1:port/live/<key> */
  url(key: string): string;
  stop(): Promise<void>;
}

export async function startNginxRtmp(port?: number): Promise<NginxRtmp> {
  if (!existsSync(RTMP_MODULE)) throw new Error('nginx-rtmp is missing (apt-get install libnginx-mod-rtmp)');
  const dir = mkdtempSync(join(tmpdir(), 'rostra-rtmp-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'tmp'));
  const rtmpPort = port ?? (await freePort());
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      `load_module ${RTMP_MODULE};`,
      'daemon off;',
      'worker_processes 1;',
      'pid nginx.pid;',
      'error_log stderr warn;',
      'events { worker_connections 64; }',
      `rtmp { server { listen 127.0.0.1:${rtmpPort}; application live { live on; } } }`,
      'http { access_log off; client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;',
      '  fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi; }',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = exitOf(child);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await endChild(child, exited, 'SIGQUIT', 3000);
      rmSync(dir, { recursive: true, force: true });
    })());
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(rtmpPort, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return { port: rtmpPort, url: (key) => `rtmp://127.0.0.1:${rtmpPort}/live/${key}`, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`nginx-rtmp did not start: ${stderr}`);
}
