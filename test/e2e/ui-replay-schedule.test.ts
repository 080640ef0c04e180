/**
 * Scheduling and replays in the web app (real Chromium, real server, a 440 Hz WAV as the mic):
 * "Skip to content" focuses the page, a stale form error clears as you type, the lobby counts
 * reminders in good English, the host edits a scheduled Space and cancels another, and after a
 * recorded Space ends its replay page names who spoke, knows its duration and seeks (Range on
 * replay.opus), cuts a clip with a button, and the lobby lists it under past Spaces.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAKE_MEDIA_ARGS, launchChromium } from '../helpers/browser.js';
import { writeWav } from '../helpers/audio-wav.js';

const root = join(import.meta.dirname, '..', '..');
let server: TestServer;
let browser: Browser;
let wavDir: string;
let host: Page;
const suffix = String(process.pid % 10_000);
const hostHandle = `rs_host_${suffix}`;
const pageErrors: string[] = [];
const text = async (page: Page, sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').trim();
const inputTime = (ms: number): string =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

async function newUser(handle: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${handle}: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${server.url}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
  return page;
}

async function schedule(page: Page, title: string, at: number): Promise<string> {
  await page.goto(`${server.url}/#/new`);
  await page.fill('[data-testid=title-input]', title);
  await page.fill('[data-testid=start-input]', inputTime(at));
  await page.click('[data-testid=create-submit]');
  const card = `[data-testid=scheduled-list] [data-testid=space-card]:has-text("${title}")`;
  await page.waitForSelector(card);
  return (await page.getAttribute(card, 'data-space-id')) ?? '';
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  wavDir = mkdtempSync(join(tmpdir(), 'rostra-rs-'));
  const tone = new Int16Array(30 * 48_000);
  for (let i = 0; i < tone.length; i++)
    tone[i] = Math.round(9000 * Math.sin((2 * Math.PI * 440 * i) / 48_000));
  writeWav(join(wavDir, 'tone.wav'), tone);
  server = await startTestServer();
  browser = await launchChromium([
    ...FAKE_MEDIA_ARGS,
    `--use-file-for-fake-audio-capture=${join(wavDir, 'tone.wav')}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  host = await newUser(hostHandle);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (wavDir) rmSync(wavDir, { recursive: true, force: true });
});

void describe('scheduling and replays in the web app', { timeout: 240_000 }, () => {
  void test('"Skip to content" focuses the page; a form error goes once the field is filled', async () => {
    await host.goto(`${server.url}/#/new`);
    await host.waitForSelector('[data-testid=create-form]');
    await host.focus('a.skip');
    await host.keyboard.press('Enter');
    assert.equal(await host.evaluate<string>('document.activeElement?.id ?? ""'), 'main');
    assert.equal(await host.locator('text=Page not found').count(), 0);
    assert.equal(await text(host, 'h1'), 'New Space');

    await host.click('[data-testid=create-submit]');
    await host.waitForSelector('[data-testid=title-error]:has-text("Give your Space a title.")');
    await host.fill('[data-testid=title-input]', 'Now it has one');
    assert.equal(await text(host, '[data-testid=title-error]'), '');
    assert.equal(await host.getAttribute('[data-testid=title-input]', 'aria-invalid'), 'false');
  });

  void test('the host edits a scheduled Space and cancels another; the lobby says "0 reminders"', async () => {
    const first = Date.now() + 3 * 3_600_000;
    const id = await schedule(host, `Draft ${suffix}`, first);
    const card = `[data-testid=scheduled-list] [data-testid=space-card][data-space-id="${id}"]`;
    assert.equal(await text(host, `${card} [data-testid=reminder-count]`), '0 reminders');

    await host.click(`${card} a`);
    await host.waitForSelector('[data-testid=scheduled]');
    assert.match(await text(host, '[data-testid=scheduled-when]'), /0 reminders set/);
    await host.click('[data-testid=edit-space]');
    await host.fill('[data-testid=title-input]', `Final ${suffix}`);
    const later = first + 24 * 3_600_000;
    await host.fill('[data-testid=start-input]', inputTime(later));
    await host.click('[data-testid=save-space]');
    await host.waitForSelector(`[data-testid=scheduled] h1:has-text("Final ${suffix}")`);
    const stored = (await (await fetch(`${server.url}/v1/spaces/${id}`)).json()) as {
      space: { title: string; scheduledFor: number };
    };
    assert.equal(stored.space.title, `Final ${suffix}`);
    // the form holds minutes: the stored start is the minute that was typed
    assert.equal(stored.space.scheduledFor / 60_000, Math.floor(later / 60_000));

    const doomed = await schedule(host, `Doomed ${suffix}`, first);
    await host.goto(`${server.url}/#/space/${doomed}`);
    await host.click('[data-testid=cancel-space]');
    await host.waitForSelector('[data-testid=ended] h1:has-text("This Space was cancelled")');
    await host.goto(`${server.url}/#/`);
    const past = `[data-testid=past-list] [data-testid=space-card][data-space-id="${doomed}"]`;
    await host.waitForSelector(past);
    assert.match(await text(host, past), /Cancelled/);
  });

  void test('a recorded Space ends into a replay page: who spoke, duration, seeking, a clip, and a place under past Spaces', async () => {
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', `Talk ${suffix}`);
    await host.click('[data-testid=create-submit]');
    await host.waitForSelector('[data-testid=mic-connect]');
    await host.click('[data-testid=mic-connect]');
    await host.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 20_000 });
    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);
    await host.click('[data-testid=mic-toggle]');
    await host.waitForSelector('[data-testid=mic-state][data-state=live]');
    await host.waitForTimeout(5_000);
    await host.click('[data-testid=end-space]');
    await host.waitForSelector('[data-testid=replay]', { timeout: 15_000 });

    await host.waitForSelector(
      `[data-testid=timeline-speaker][data-handle=${hostHandle}] [data-testid=turn]`,
      {
        timeout: 15_000,
      },
    );
    assert.match(
      await text(host, `[data-testid=timeline-speaker][data-handle=${hostHandle}]`),
      new RegExp(`@${hostHandle}`),
    );
    const durationMs = Number(await host.getAttribute('[data-testid=replay-status]', 'data-duration-ms'));
    assert.ok(durationMs > 3_000, `replay of ${durationMs} ms`);

    // the player knows the duration and can seek: both need Range answers on replay.opus
    await host.waitForFunction(
      `(() => { const a = document.querySelector('[data-testid=replay-audio]'); return a && Number.isFinite(a.duration) && a.duration > 3 && a.seekable.length > 0; })()`,
      undefined,
      { timeout: 20_000 },
    );
    await host.click(`[data-testid=timeline-speaker][data-handle=${hostHandle}] [data-testid=turn] >> nth=0`);
    await host.evaluate(
      `(() => { const a = document.querySelector('[data-testid=replay-audio]'); a.pause(); a.currentTime = 1.5; })()`,
    );
    await host.waitForFunction(
      `(() => { const a = document.querySelector('[data-testid=replay-audio]'); return !a.seeking && Math.abs(a.currentTime - 1.5) < 0.3; })()`,
      undefined,
      { timeout: 10_000 },
    );

    await host.click('[data-testid=clip]');
    await host.waitForSelector('[data-testid=clip-download]', { timeout: 15_000 });
    assert.match(await text(host, '[data-testid=clip-result]'), /^Clip 0:01–0:0\d is ready/);
    const size = await host.evaluate<number>(
      `fetch(document.querySelector('[data-testid=clip-download]').href).then((r) => r.blob()).then((b) => b.size)`,
    );
    assert.ok(size > 1_000, `clip of ${size} bytes`);

    await host.goto(`${server.url}/#/`);
    const past = `[data-testid=past-list] [data-testid=space-card]:has-text("Talk ${suffix}")`;
    await host.waitForSelector(past);
    assert.match(await text(host, past), /Replay/);
    await host.setViewportSize({ width: 390, height: 844 });
    await host.screenshot({ path: '/tmp/wx/lobby-phone.png', fullPage: true });
    await host.click(`${past} a`);
    await host.waitForSelector(`[data-testid=timeline-speaker][data-handle=${hostHandle}]`, {
      timeout: 15_000,
    });
    const width = await host.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `replay page ${width}px wide on a phone`);
    await host.screenshot({ path: '/tmp/wx/replay-phone.png', fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
