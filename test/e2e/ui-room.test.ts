/**
 * The web app against a real Rostra server in real Chromium (fake mic): a host opens a Space,
 * checks the mic (MUTED by default), goes live and unmutes; a listener plays the mix, reacts
 * and requests to speak; the host approves and the new speaker arrives MUTED; a bad invite
 * shows a readable error; the host ends the Space, both screens say so, and the replay is offered.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';

const root = join(import.meta.dirname, '..', '..');
let server: TestServer;
let browser: Browser;
let host: Page;
let listener: Page;
const suffix = String(process.pid % 10_000);
const hostHandle = `host_${suffix}`;
const listenerHandle = `fan_${suffix}`;
const pageErrors: string[] = [];

/** text of an element, trimmed */
const text = async (page: Page, testid: string): Promise<string> =>
  ((await page.textContent(`[data-testid=${testid}]`)) ?? '').trim();

async function newUser(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept()); // confirm() for End Space
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
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ]);
  host = await newUser();
  listener = await newUser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

void describe('a Space in the web app, end to end', { timeout: 120_000 }, () => {
  void test('a host opens a Space: the mic starts MUTED, Go live works, unmuting shows LIVE', async () => {
    await signUp(host, hostHandle);
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', 'UI end to end');
    await host.click('[data-testid=create-submit]');
    await host.waitForSelector('[data-testid=mic-state]');
    assert.equal(await text(host, 'space-state'), 'Backstage');
    assert.equal(await host.getAttribute('[data-testid=mic-state]', 'data-state'), 'muted');

    await host.click('[data-testid=mic-connect]');
    await host.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 15_000 });
    assert.equal(await host.getAttribute('[data-testid=mic-state]', 'data-state'), 'muted');
    // the server agrees: the host's tile is marked muted (no hot mic on arrival)
    await host.waitForSelector(`[data-testid=stage-member][data-handle=${hostHandle}][data-muted=true]`);

    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);
    await host.click('[data-testid=mic-toggle]');
    await host.waitForSelector('[data-testid=mic-state][data-state=live]');
    await host.waitForSelector(`[data-testid=stage-member][data-handle=${hostHandle}][data-muted=false]`);
  });

  void test('a listener plays, sees honest counts, reacts and requests to speak; approved, they arrive MUTED', async () => {
    await signUp(listener, listenerHandle);
    await listener.goto(host.url());
    await listener.click('[data-testid=play]');
    await listener.waitForFunction(
      `document.querySelector('[data-testid=listening-now]')?.textContent === '1'`,
      undefined,
      { timeout: 10_000 },
    );
    assert.equal(await text(listener, 'total-joined'), '1');
    await host.waitForFunction(`document.querySelector('[data-testid=listening-now]')?.textContent === '1'`);

    await listener.click('[data-testid=react-0]');
    await host.waitForSelector('[data-testid=reaction-float]', { timeout: 5_000 });

    await listener.click('[data-testid=request-speak]');
    await host.waitForSelector(`[data-testid=request][data-handle=${listenerHandle}]`, { timeout: 5_000 });
    await host.click(`[data-testid=request][data-handle=${listenerHandle}] [data-testid=approve]`);
    await listener.waitForSelector('[data-testid=mic-state]', { timeout: 10_000 });
    assert.equal(await listener.getAttribute('[data-testid=mic-state]', 'data-state'), 'muted');
    await host.waitForSelector(`[data-testid=stage-member][data-handle=${listenerHandle}][data-muted=true]`);
  });

  void test('a refused moderation command shows a readable message', async () => {
    await host.fill('[data-testid=invite-input]', 'nobody-with-this-id');
    await host.click('[data-testid=invite-submit]');
    await host.waitForFunction(
      `(document.querySelector('[data-testid=room-alert]')?.textContent ?? '') !== ''`,
    );
    const alert = await text(host, 'room-alert');
    assert.doesNotMatch(alert, /^[a-z_]+$/, 'a sentence, not a bare code');
    assert.ok(alert.length > 10, alert);
  });

  void test('the host ends the Space: both see the ended screen', async () => {
    await host.click('[data-testid=end-space]');
    await host.waitForSelector('[data-testid=ended]', { timeout: 10_000 });
    await listener.waitForSelector('[data-testid=ended]', { timeout: 10_000 });
    assert.match((await listener.textContent('[data-testid=ended] h1')) ?? '', /ended/);
    assert.deepEqual(pageErrors, []);
  });

  void test('the ended screen offers the replay of a recorded Space (Ogg/Opus served to the page)', async () => {
    const src = await host.getAttribute('[data-testid=replay-audio]', 'src');
    assert.ok(src);
    // the recording may take a moment to close after the end
    let reply: [number, string, number] = [0, '', 0];
    for (let i = 0; i < 10 && reply[0] !== 200; i++) {
      if (i > 0) await host.waitForTimeout(500);
      reply = await host.evaluate<[number, string, number], string>(async (url) => {
        const r = await fetch(url);
        return [r.status, r.headers.get('content-type') ?? '', (await r.arrayBuffer()).byteLength];
      }, src);
    }
    assert.equal(reply[0], 200);
    assert.match(reply[1], /audio\/ogg/);
    assert.ok(reply[2] > 1000, `replay bytes: ${reply[2]}`);
  });
});
