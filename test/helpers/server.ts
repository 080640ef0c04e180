/**
 * Starts a real Rostra server in this process on a free port with a fresh data folder, and
 * gives tests small HTTP and WebSocket clients for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startRostra, type RunningRostra } from '../../src/app/server.js';
import { loadConfig, type Config } from '../../src/app/config.js';

export interface TestServer {
  rostra: RunningRostra;
  url: string;
  dataDir: string;
  /** stops the server; keeps the data folder unless `wipe` */
  stop(wipe?: boolean): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  dataDir?: string,
  inject: Parameters<typeof startRostra>[1] = {},
): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'rostra-test-'));
  const config = { ...loadConfig({}, {}), port: 0, dataDir: dir, logLevel: 'silent' as const, ...overrides };
  const rostra = await startRostra(config, inject);
  return {
    rostra,
    url: rostra.url,
    dataDir: dir,
    async stop(wipe = true) {
      await rostra.close();
      if (wipe) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** fetch with JSON in and out; `token` becomes a Bearer header */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (SDP, Prometheus text)
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let counter = 0;
/** signs up a fresh account; returns its token and id */
export async function signUp(
  base: string,
  prefix = 'user',
): Promise<{ token: string; id: string; handle: string }> {
  const handle = `${prefix}_${process.pid % 1000}_${counter++}`.toLowerCase().slice(0, 32);
  const res = await api<{ token: string; user: { id: string } }>(base, 'POST', '/v1/accounts', {
    body: { handle, password: 'correct horse battery' },
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, id: res.body.user.id, handle };
}

/** A JSON WebSocket client that records every message and can wait for one. */
export class TestSocket {
  readonly messages: any[] = [];
  readonly binary: Buffer[] = [];
  closeCode: number | null = null;
  closeReason = '';
  #waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  #ref = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binary.push(data as Buffer);
        return;
      }
      const msg: unknown = JSON.parse((data as Buffer).toString('utf8'));
      this.messages.push(msg);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  static open(base: string, path: string, token?: string): Promise<TestSocket> {
    const url = base.replace(/^http/, 'ws') + path + (token ? `?token=${encodeURIComponent(token)}` : '');
    const ws = new WebSocket(url);
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** resolves with the first message (already received or future) that matches */
  waitFor(pred: (m: any) => boolean, timeoutMs = 3000, label = 'message'): Promise<any> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`timed out waiting for ${label}; got ${JSON.stringify(this.messages.slice(-5))}`)),
        timeoutMs,
      );
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  waitType(type: string, timeoutMs = 3000): Promise<any> {
    return this.waitFor((m) => m.type === type, timeoutMs, type);
  }

  /** sends a command with a fresh ref and waits for its ack or error */
  async command(msg: object): Promise<any> {
    const ref = this.#ref++;
    this.ws.send(JSON.stringify({ ...msg, ref }));
    return this.waitFor(
      (m) => (m.type === 'ack' || m.type === 'error') && m.ref === ref,
      3000,
      `reply to ${JSON.stringify(msg)}`,
    );
  }

  closed(timeoutMs = 3000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}
