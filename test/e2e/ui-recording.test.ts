/**
 * The Recording switch in the web app (real Chromium, real server): the host's toggle shows
 * the state and switches it; a listener sees the REC indicator come and go with it.
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
const suffix = String(process.pid % 10_000);
const pageErrors: string[] = [];

async function newUser(handle: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Go live asks to confirm while the host's mic is not connected yet (the page's confirm())
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${server.url}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
  return page;
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  server = await startTestServer();
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

void test(
  'the host switches recording off and on; a listener sees REC follow',
  { timeout: 90_000 },
  async () => {
    const host = await newUser(`rec_host_${suffix}`);
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', 'Recorded talk');
    await host.click('[data-testid=create-submit]');
    await host.waitForSelector('[data-testid=go-live]');
    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);
    const toggle = '[data-testid=recording-toggle]';
    assert.equal(await host.getAttribute(toggle, 'aria-pressed'), 'true');
    assert.equal((await host.textContent(toggle))?.trim(), 'Recording: on');

    const listener = await newUser(`rec_fan_${suffix}`);
    await listener.goto(host.url());
    await listener.click('[data-testid=play]');
    await listener.waitForSelector('[data-testid=rec-indicator]:visible');
    assert.equal(
      await listener.$(toggle).then((e) => e?.isVisible() ?? false),
      false,
      'no toggle for listeners',
    );

    await host.click(toggle);
    await host.waitForSelector(`${toggle}[aria-pressed=false]`);
    assert.equal((await host.textContent(toggle))?.trim(), 'Recording: off');
    await listener.waitForSelector('[data-testid=rec-indicator]', { state: 'hidden' });

    await host.click(toggle);
    await host.waitForSelector(`${toggle}[aria-pressed=true]`);
    await listener.waitForSelector('[data-testid=rec-indicator]:visible');
    assert.deepEqual(pageErrors, []);
  },
);
