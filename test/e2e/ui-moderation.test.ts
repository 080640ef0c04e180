/**
 * Scheduling and moderation in the web app against a real server (real Chromium, fake mic):
 * a scheduled Space gets a reminder from the lobby, the host opens the backstage and goes
 * live, invites a listener up by id, the new speaker unmutes, the host's mute turns their
 * indicator back to MUTED, co-host and host hand-over show up as labels and controls, and the
 * new host removes the old one, who sees the removed screen.
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
let fan: Page;
const suffix = String(process.pid % 10_000);
const hostHandle = `mod_host_${suffix}`;
const fanHandle = `mod_fan_${suffix}`;
const title = `Scheduled ${suffix}`;
const pageErrors: string[] = [];
const member = (handle: string): string => `[data-testid=stage-member][data-handle=${handle}]`;

async function newUser(handle: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${server.url}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
  return page;
}

/** opens a stage member's action menu and picks one action */
async function act(page: Page, handle: string, action: string): Promise<void> {
  await page.click(`${member(handle)} summary`);
  await page.click(`${member(handle)} [data-testid=${action}]`);
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  server = await startTestServer();
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ]);
  host = await newUser(hostHandle);
  fan = await newUser(fanHandle);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

void describe('scheduling and moderation in the web app', { timeout: 120_000 }, () => {
  void test('a scheduled Space shows in the lobby and takes a reminder', async () => {
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', title);
    const at = new Date(Date.now() + 2 * 3_600_000);
    await host.fill(
      '[data-testid=start-input]',
      new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16),
    );
    await host.click('[data-testid=create-submit]');
    await host.waitForSelector(`[data-testid=scheduled-list] [data-testid=space-card]:has-text("${title}")`);

    const card = `[data-testid=scheduled-list] [data-testid=space-card]:has-text("${title}")`;
    await fan.goto(`${server.url}/#/`);
    await fan.click(`${card} [data-testid=remind-toggle]`);
    await fan.waitForSelector(`${card} [data-testid=remind-toggle][aria-pressed=true]`);
    assert.equal(await fan.textContent(`${card} [data-testid=reminder-count]`), '1 reminder');
  });

  void test('the host opens the backstage, goes live and invites a listener up by id', async () => {
    await host.click(`[data-testid=space-card]:has-text("${title}") a`);
    await host.click('[data-testid=open-backstage]');
    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);

    await fan.goto(host.url());
    await fan.click('[data-testid=play]');
    await host.waitForFunction(`document.querySelector('[data-testid=listening-now]')?.textContent === '1'`);
    const fanId = await fan.evaluate<string>(`JSON.parse(localStorage.getItem('rostra.session')).user.id`);
    await host.fill('[data-testid=invite-input]', fanId);
    await host.click('[data-testid=invite-submit]');
    await fan.waitForSelector('[data-testid=invitation]:not([hidden])', { timeout: 5_000 });
    await fan.click('[data-testid=accept-invite]');
    await fan.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 15_000 });
    assert.equal(await fan.getAttribute('[data-testid=mic-state]', 'data-state'), 'muted');
  });

  void test("a speaker unmutes; the host's mute turns their indicator back to MUTED", async () => {
    // the host opens the speaker's menu first: unmuting rebuilds the tile under it, and the
    // menu must stay open (it snapped shut mid-click once, in CI)
    await host.click(`${member(fanHandle)} summary`);
    await fan.click('[data-testid=mic-toggle]');
    await fan.waitForSelector('[data-testid=mic-state][data-state=live]');
    await host.waitForSelector(`${member(fanHandle)}[data-muted=false] details[open]`);
    await host.click(`${member(fanHandle)} [data-testid=mute]`);
    await fan.waitForSelector('[data-testid=mic-state][data-state=muted]', { timeout: 5_000 });
    await host.waitForSelector(`${member(fanHandle)}[data-muted=true]`);
  });

  void test('co-host and host hand-over show as labels and controls; the new host removes the old', async () => {
    await act(host, fanHandle, 'make-cohost');
    await host.waitForSelector(`${member(fanHandle)} [data-testid=role-label]:has-text("Co-host")`);
    // a co-host gets the host controls, but not what only the host may do (end, recording)
    await fan.waitForSelector('[data-testid=invite-input]');
    assert.equal(await fan.isVisible('[data-testid=end-space]'), false);
    assert.equal(await fan.isVisible('[data-testid=recording-toggle]'), false);

    await act(host, fanHandle, 'transfer-host');
    await fan.waitForSelector(`${member(fanHandle)} [data-testid=role-label]:has-text("Host")`);
    await host.waitForSelector(`${member(hostHandle)} [data-testid=role-label]:has-text("Co-host")`);

    await act(fan, hostHandle, 'remove');
    await host.waitForSelector('[data-testid=ended]', { timeout: 5_000 });
    assert.match((await host.textContent('[data-testid=ended] h1')) ?? '', /removed/);
    assert.deepEqual(pageErrors, []);
  });
});
