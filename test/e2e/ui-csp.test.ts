/**
 * The web app under the server's Content-Security-Policy (src/control/http/security-headers.ts)
 * in real Chromium: a host signs up, opens a Space, connects the mic and goes live; a listener
 * plays it (WebSocket tier: AudioWorklet, WebCodecs); the host ends it and the replay plays.
 * Not one CSP violation may be reported on either page.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';

const root = join(import.meta.dirname, '..', '..');
let server: TestServer;
let browser: Browser;
const violations: string[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  // every violation the browser reports, both as an event and on the console
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
    console.error('csp-violation ' + e.violatedDirective + ' ' + e.blockedURI);
  });`);
  page.on('console', (m) => {
    if (/csp-violation|Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  page.on('dialog', (d) => void d.accept());
  return page;
}

async function signUp(page: Page, handle: string): Promise<void> {
  await page.goto(`${server.url}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  server = await startTestServer();
  browser = await launchChromium(
    [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
    { enforceCsp: true },
  );
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the web app runs a whole Space under the CSP with no violation', { timeout: 120_000 }, async () => {
  const page = await fetch(server.url + '/');
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const suffix = String(process.pid % 10_000);
  const host = await newPage();
  await signUp(host, `csp_host_${suffix}`);
  await host.goto(`${server.url}/#/new`);
  await host.fill('[data-testid=title-input]', 'Under CSP');
  await host.click('[data-testid=create-submit]');
  await host.click('[data-testid=mic-connect]');
  await host.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 45_000 });
  await host.click('[data-testid=go-live]');
  // selectors only: the CSP forbids the eval Playwright's string predicates need
  await host.waitForSelector('[data-testid=space-state]:text-is("LIVE")');
  await host.click('[data-testid=mic-toggle]');

  const listener = await newPage();
  await listener.goto(host.url());
  await listener.click('[data-testid=play]');
  await listener.waitForSelector('[data-testid=listening-now]:text-is("1")', { timeout: 15_000 });
  // a second of playback: the worklet and the decoder are running
  await listener.waitForTimeout(1_000);

  await host.click('[data-testid=end-space]');
  await host.waitForSelector('[data-testid=ended]', { timeout: 10_000 });
  await host.waitForSelector('[data-testid=replay-audio]', { timeout: 10_000 });
  await host.waitForTimeout(500);
  assert.deepEqual(violations, []);
});
