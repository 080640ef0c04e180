/**
 * The built web app in real Chromium: it loads, hash routes show their screens, and forms
 * refuse bad input on the client (no request leaves the page). Serves web/dist with a tiny
 * static server; the API is absent here on purpose (these checks must not need it).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';

const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'web', 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

let server: Server;
let browser: Browser;
let base = '';
/** every /v1 request the page made, as "METHOD path" */
let apiCalls: string[] = [];

/** waits until the element's text is non-empty (a string expression: no DOM types in node) */
const hasText = (testid: string): string =>
  `(document.querySelector('[data-testid=${testid}]')?.textContent ?? '') !== ''`;

async function open(hash: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1/')) apiCalls.push(`${r.method()} ${u.pathname}`);
  });
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector('#main h1');
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    if (path.startsWith('/v1/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'no API in this test' } }));
      return;
    }
    const file = join(dist, path === '/' ? 'index.html' : path);
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium([]);
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

void describe('web app shell', { timeout: 60_000 }, () => {
  void test('the built app loads the lobby without script errors', async () => {
    const page = await open('#/');
    assert.equal(await page.textContent('#main h1'), 'Spaces');
    assert.equal(await page.title(), 'Rostra');
    await page.waitForSelector('[data-testid=nav-signin]');
    // the API is missing here, so the lobby says so in words instead of failing silently
    await page.waitForFunction(hasText('lobby-error'));
    assert.deepEqual((page as Page & { errors: string[] }).errors, []);
    await page.close();
  });

  void test('hash routes show their screens and unknown routes say not found', async () => {
    const page = await open('#/signin');
    assert.equal(await page.textContent('#main h1'), 'Sign in');
    assert.ok(await page.isVisible('[data-testid=signin-form]'));
    await page.click('[data-testid=to-signup]');
    await page.waitForSelector('[data-testid=signup-form]');
    assert.equal(await page.textContent('#main h1'), 'Create an account');
    await page.goto(`${base}/#/new`);
    await page.waitForSelector('[data-testid=create-signin]');
    await page.goto(`${base}/#/no/such/page`);
    await page.waitForSelector('[data-testid=home-link]');
    assert.equal(await page.textContent('#main h1'), 'Page not found');
    await page.goto(`${base}/#/space/not%20an%20id!`);
    await page.waitForFunction(`document.querySelector('#main h1')?.textContent === 'No such Space'`);
    await page.close();
  });

  void test('the sign-in form refuses a bad handle and a short password without calling the API', async () => {
    apiCalls = [];
    const page = await open('#/signup');
    await page.fill('[data-testid=handle-input]', 'No Spaces!');
    await page.fill('[data-testid=password-input]', 'short');
    await page.click('[data-testid=auth-submit]');
    assert.match((await page.textContent('[data-testid=handle-error]')) ?? '', /3–32 characters/);
    assert.match((await page.textContent('[data-testid=password-error]')) ?? '', /at least 8/);
    assert.equal(await page.getAttribute('[data-testid=handle-input]', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(`document.activeElement?.getAttribute('name')`), 'handle');
    // fixing the handle clears its error on the next submit; the password is still refused
    await page.fill('[data-testid=handle-input]', 'good_handle');
    await page.click('[data-testid=auth-submit]');
    assert.equal(await page.textContent('[data-testid=handle-error]'), '');
    assert.match((await page.textContent('[data-testid=password-error]')) ?? '', /at least 8/);
    assert.deepEqual(
      apiCalls.filter((c) => c.startsWith('POST')),
      [],
    );
    // valid input does go to the server (absent here), and its refusal is shown in words
    await page.fill('[data-testid=password-input]', 'long enough password');
    await page.click('[data-testid=auth-submit]');
    await page.waitForFunction(hasText('form-error'));
    assert.ok(apiCalls.includes('POST /v1/accounts'));
    await page.close();
  });

  void test('the create form needs a title and a start time within the next 14 days', async () => {
    apiCalls = [];
    const page = await open('#/');
    // a signed-in session as the app stores it (the token is never sent: validation stops first)
    const session = {
      user: { id: 'u1', handle: 'host_one' },
      token: 't',
      expiresAt: Date.now() + 3_600_000,
    };
    await page.evaluate(`localStorage.setItem('rostra.session', ${JSON.stringify(JSON.stringify(session))})`);
    await page.goto(`${base}/#/new`);
    await page.waitForSelector('[data-testid=create-form]');
    await page.click('[data-testid=create-submit]');
    assert.match((await page.textContent('[data-testid=title-error]')) ?? '', /title/);

    const local = (ms: number): string => {
      const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 16);
    };
    await page.fill('[data-testid=title-input]', 'Friday AMA');
    await page.fill('[data-testid=start-input]', local(Date.now() - 3_600_000));
    await page.click('[data-testid=create-submit]');
    assert.equal(await page.textContent('[data-testid=title-error]'), '');
    assert.match((await page.textContent('[data-testid=startAt-error]')) ?? '', /future/);

    await page.fill('[data-testid=start-input]', local(Date.now() + 15 * 24 * 3_600_000));
    await page.click('[data-testid=create-submit]');
    assert.match((await page.textContent('[data-testid=startAt-error]')) ?? '', /14 days/);
    assert.equal(await page.textContent('[data-testid=create-submit]'), 'Schedule Space');
    assert.deepEqual(
      apiCalls.filter((c) => c.startsWith('POST')),
      [],
    );
    await page.close();
  });
});
