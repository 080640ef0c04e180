/**
 * The client's address through the shipped nginx config (deploy/nginx/rostra-cache.conf) and
 * --trusted-proxies: each client behind the proxy has its own sign-in and API limits, and a
 * client that writes X-Forwarded-For itself cannot pass as someone else. Clients are told
 * apart by their source address (127.0.0.2, 127.0.0.3: all of 127/8 is this host).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import WebSocket from 'ws';
import { api, signUp, startTestServer, type TestServer } from '../helpers/server.js';
import { NGINX, startNginxEdge, type NginxEdge } from '../helpers/nginx-edge.js';

let server: TestServer;
let nginx: NginxEdge | null = null;
let handle = '';

before(async () => {
  assert.ok(existsSync(NGINX), 'nginx is installed (apt-get install nginx)');
  server = await startTestServer({ trustedProxies: '127.0.0.1', maxConnectionsPerAddress: 2 });
  nginx = await startNginxEdge(server.rostra.port);
  handle = (await signUp(server.url, 'alice')).handle;
});
after(async () => {
  await nginx?.stop();
  await server?.stop();
});

/** a request through the edge from source address `from`, optionally with a forged X-Forwarded-For */
function viaEdge(
  from: string,
  method: string,
  path: string,
  body?: unknown,
  forged?: string,
): Promise<number> {
  const edge = new URL(nginx?.url ?? '');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (forged) headers['x-forwarded-for'] = forged;
    const req = request(
      { host: edge.hostname, port: edge.port, path, method, localAddress: from, headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const signIn = (from: string, password: string): Promise<number> =>
  viaEdge(from, 'POST', '/v1/sessions', { handle, password });

test("one client's wrong passwords lock out that client only", async () => {
  // 20 attempts a minute per address: 30 at once from one client meet 429s
  const codes = await Promise.all(Array.from({ length: 30 }, () => signIn('127.0.0.2', 'wrong password')));
  assert.ok(codes.includes(401));
  assert.ok(codes.filter((c) => c === 429).length >= 8, `the guesser is stopped: ${codes.join(',')}`);
  // someone else behind the same proxy signs in as usual
  assert.equal(await signIn('127.0.0.3', 'correct horse battery'), 200);
});

test('a client that writes X-Forwarded-For itself is still limited as itself', async () => {
  // the API allows bursts of 60 (20/s) per address: 150 at once, each naming another address
  const codes = await Promise.all(
    Array.from({ length: 150 }, (_, i) =>
      viaEdge('127.0.0.6', 'GET', '/v1/spaces', undefined, `10.9.0.${i}`),
    ),
  );
  const refused = codes.filter((c) => c === 429).length;
  assert.ok(refused >= 40, `429s: ${refused} of 150`);
  assert.equal(await viaEdge('127.0.0.7', 'GET', '/v1/spaces'), 200, 'another client is not affected');
});

test('behind the proxy the per-address connection cap counts each client, on WebSockets too', async () => {
  const host = await signUp(server.url, 'host');
  const space = (await api(server.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Edge' } }))
    .body.space.id as string;
  const url = `${(nginx?.url ?? '').replace('http', 'ws')}/v1/spaces/${space}/listen`;
  const open = (from: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { localAddress: from });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  const held = [await open('127.0.0.4'), await open('127.0.0.4')];
  await assert.rejects(open('127.0.0.4'), /HTTP 429/);
  held.push(await open('127.0.0.5'));
  for (const ws of held) ws.close();
});
