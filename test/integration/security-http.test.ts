/**
 * Abuse of the HTTP server itself (docs/security.md): the per-address API limit holds for an
 * absolute-form request target, a slow body cannot hold a connection, one address cannot
 * hold more than its connection cap, every response carries the browser-side headers, and
 * what the server writes to disk is private to its user.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { sleep, until } from '../helpers/wait.js';
import WebSocket from 'ws';

const servers: TestServer[] = [];
const start = async (o: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
  const s = await startTestServer(o);
  servers.push(s);
  return s;
};
after(async () => {
  for (const s of servers) await s.stop();
});

/** one HTTP request whose request line names `target` verbatim (absolute form allowed) */
function rawGet(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, method: 'GET', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the per-address API limit counts absolute-form targets like origin-form ones', async () => {
  const s = await start();
  const port = s.rostra.port;
  assert.equal(await rawGet(port, `http://127.0.0.1:${port}/v1/spaces`), 200, 'the absolute form is served');
  // the bucket holds 60 (20/s): 150 requests at once must meet 429s whatever the form
  const target = `http://127.0.0.1:${port}/v1/spaces`;
  const codes = await Promise.all(Array.from({ length: 150 }, () => rawGet(port, target)));
  const refused = codes.filter((c) => c === 429).length;
  assert.ok(refused >= 40, `429s: ${refused} of 150`);
});

/** resolves when the server closes the socket, with what it sent */
const closedBy = (socket: Socket): Promise<string> =>
  new Promise((resolve) => {
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('close', () => resolve(got));
    socket.on('error', () => undefined);
  });

test('a request body sent a byte at a time is cut at the request deadline with 408', async () => {
  const s = await start({ requestTimeoutMs: 1_000 });
  const socket = connect(s.rostra.port, '127.0.0.1');
  const closed = closedBy(socket);
  socket.write(
    'POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{',
  );
  const drip = setInterval(() => socket.writable && socket.write(' '), 300);
  const t0 = Date.now();
  const got = await Promise.race([closed, sleep(8_000).then(() => 'still open')]);
  clearInterval(drip);
  socket.destroy();
  assert.notEqual(got, 'still open', 'the slow body held the connection for 8 s');
  assert.match(got, /^HTTP\/1.1 408/);
  assert.ok(Date.now() - t0 < 6_000, `cut after ${Date.now() - t0} ms`);
});

test('one address holds at most its connection cap; the others are closed at once', async () => {
  // a trusted proxy elsewhere makes loopback an ordinary client address
  const s = await start({ maxConnectionsPerAddress: 5, trustedProxies: '192.0.2.1' });
  const sockets = Array.from({ length: 8 }, () => connect(s.rostra.port, '127.0.0.1'));
  const closes = sockets.map(closedBy);
  let closed = 0;
  void Promise.all(closes.map((c) => c.then(() => closed++)));
  await until(() => closed >= 3, 5_000, '3 connections over the cap closed');
  await sleep(200);
  assert.equal(closed, 3, 'the first 5 stay open');
  for (const socket of sockets) socket.destroy();
  const healthy = () =>
    api(s.url, 'GET', '/healthz').then(
      (r) => r.status === 200,
      () => false,
    );
  await until(healthy, 5_000, 'places freed');
});

test('behind a trusted proxy the cap counts listen sockets per client named in X-Forwarded-For', async () => {
  const s = await start({ maxConnectionsPerAddress: 2, trustedProxies: '127.0.0.1' });
  const host = await signUp(s.url, 'host');
  const space = (await api(s.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Capped' } }))
    .body.space.id as string;
  const url = `${s.url.replace('http', 'ws')}/v1/spaces/${space}/listen`;
  const open = (client: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { 'x-forwarded-for': client } });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  const held = [await open('198.51.100.7'), await open('198.51.100.7')];
  await assert.rejects(open('198.51.100.7'), /HTTP 429/);
  held.push(await open('203.0.113.5'), await open('203.0.113.5'));
  held[0]?.close();
  await until(
    () =>
      open('198.51.100.7').then(
        (ws) => (held.push(ws), true),
        () => false,
      ),
    5_000,
    'a freed place',
  );
  for (const ws of held) ws.close();
});

test('every response carries CSP with frame-ancestors, nosniff and a referrer policy', async () => {
  const s = await start();
  for (const path of ['/', '/v1/spaces', '/v1/nothing-here']) {
    const res = await fetch(s.url + path);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /script-src 'self'(;|$)/, `${path}: no inline script, no eval`);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
  }
});

test('the data folder, the database and recordings are private to the server user', async () => {
  const s = await start();
  const host = await signUp(s.url, 'host');
  const space = (await api(s.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Private' } }))
    .body.space.id as string;
  const stage = await TestSocket.open(s.url, `/v1/spaces/${space}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  const recordings = join(s.dataDir, 'recordings');
  await until(() => walk(recordings).some((p) => p.endsWith('audio.rlog')), 5_000, 'a recording file');
  assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
  stage.close();
  const paths = [s.dataDir, ...walk(s.dataDir)];
  assert.ok(
    paths.some((p) => p.endsWith('rostra.db-wal')),
    'the WAL file is there too',
  );
  for (const path of paths) {
    const mode = statSync(path).mode & 0o777;
    assert.equal(mode & 0o077, 0, `${path} is ${mode.toString(8)}`);
  }
});

function walk(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    out.push(path);
    if (statSync(path).isDirectory()) out = out.concat(walk(path));
  }
  return out;
}

test('Ogg streams are listeners inside admission: past the node cap the next one gets server_busy', async () => {
  const s = await start({ maxListeners: 1 });
  const host = await signUp(s.url, 'host');
  const space = (await api(s.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'Full' } })).body
    .space.id as string;
  const stage = await TestSocket.open(s.url, `/v1/spaces/${space}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  const media = await api(s.url, 'GET', `/v1/spaces/${space}/media`);
  const first = new AbortController();
  const one = await fetch(s.url + media.body.ogg, { signal: first.signal });
  assert.equal(one.status, 200);
  const two = await api(s.url, 'GET', media.body.ogg);
  assert.equal(two.status, 503);
  assert.equal(two.body.error.code, 'server_busy');
  assert.equal(two.headers.get('retry-after'), '2');
  first.abort();
  await until(() => s.rostra.admission.stats().listeners === 0, 5_000, 'the place is given back');
  stage.close();
});

test('a Space title loses its bidi overrides and invisible characters; an invisible-only title is refused', async () => {
  const s = await start();
  const host = await signUp(s.url, 'host');
  const made = await api(s.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Town \u202Ellah\u202C\u200B', description: 'line one\u2066\nline two\u200F' },
  });
  assert.equal(made.status, 201);
  assert.equal(made.body.space.title, 'Town llah');
  assert.equal(made.body.space.description, 'line one\nline two');
  const read = await api(s.url, 'GET', `/v1/spaces/${made.body.space.id}`);
  assert.equal(read.body.space.title, 'Town llah');
  const blank = await api(s.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: '\u200B\u202E\u2060' },
  });
  assert.equal(blank.status, 400);
  assert.equal(blank.body.error.code, 'invalid_field');
});
