/**
 * Live captions in the web app: the host's fake mic is a WAV of known sentences (espeak-ng),
 * the server (with `--captions pocketsphinx`) recognises them, and a listener's page shows
 * them in the captions live region, labelled with the host's handle. The viewer's Captions
 * button hides them; the host's switch turns them off for everyone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { writeWav } from '../helpers/audio-wav.js';
import { concat, silence, speak } from '../helpers/speech.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'rostra-captions-'));
const wav = join(dir, 'mic.wav');
const suffix = String(process.pid % 10_000);
let server: TestServer;
let browser: Browser;

async function signedIn(handle: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
  page.on('dialog', (d) => void d.accept()); // confirm() for End the Space
  await page.goto(`${server.url}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
  return page;
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  // Chromium loops the file: sentences with pauses, so the recogniser ends utterances
  const parts = [silence(1000, 48_000)];
  for (const s of ['welcome to the show', 'please turn off your phone', 'the meeting starts at nine'])
    parts.push(speak(s, 48_000), silence(1500, 48_000));
  writeWav(wav, concat(...parts), 48_000);
  server = await startTestServer({ captions: 'pocketsphinx', hostGraceMs: 60_000 });
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

void test(
  'a listener sees the host’s words as live captions naming them; the viewer and the host can switch them off',
  { timeout: 120_000 },
  async () => {
    const hostHandle = `caphost_${suffix}`;
    const host = await signedIn(hostHandle);
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', 'Captions in the app');
    await host.click('[data-testid=create-submit]');
    await host.click('[data-testid=mic-connect]');
    await host.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 15_000 });
    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);
    await host.click('[data-testid=mic-toggle]');
    await host.waitForSelector('[data-testid=mic-state][data-state=live]');

    const listener = await signedIn(`capfan_${suffix}`);
    await listener.goto(host.url());
    await listener.click('[data-testid=play]');
    const region = listener.locator('[data-testid=captions-log]');
    assert.equal(await region.getAttribute('aria-live'), 'polite');
    assert.equal(await region.getAttribute('role'), 'log');
    // the file loops every ~10 s; a loaded machine recognises late
    await listener.waitForSelector('[data-testid=caption]', { timeout: 60_000 });
    const line = (await listener.textContent('[data-testid=caption]')) ?? '';
    console.log(`caption in the page: "${line}"`);
    assert.match(line, new RegExp(`^@${hostHandle}: \\S`), 'labelled with the speaker');

    // the viewer's own button hides the region (for them only)
    await listener.click('[data-testid=captions-toggle]');
    assert.equal(await region.isHidden(), true);
    assert.equal(await listener.getAttribute('[data-testid=captions-toggle]', 'aria-pressed'), 'false');
    await listener.click('[data-testid=captions-toggle]');
    assert.equal(await region.isHidden(), false);

    // the host's switch: off for everyone
    await host.click('[data-testid=captions-switch]');
    await listener.waitForSelector('[data-testid=captions]', { state: 'hidden', timeout: 10_000 });
    assert.equal(await host.getAttribute('[data-testid=captions-switch]', 'aria-pressed'), 'false');

    // the replay's transcript: search a word the captions had, jump to that moment
    const words = line.replace(/^@\S+: /, '').split(' ');
    const word = words.find((w) => w.length > 2) ?? words[0]!;
    await host.click('[data-testid=end-space]');
    await listener.waitForSelector('[data-testid=ended]', { timeout: 10_000 });
    await listener.waitForSelector('[data-testid=transcript]:not([hidden])', { timeout: 15_000 });
    await listener.fill('[data-testid=transcript-search]', word);
    const hit = listener.locator('[data-testid=transcript-hit]').first();
    const hitText = (await hit.textContent()) ?? '';
    assert.match(hitText, new RegExp(`^\\[\\d\\d:\\d\\d\\] @${hostHandle}: `));
    assert.ok(hitText.includes(word), `"${hitText}" holds "${word}"`);
    const startMs = Number(await hit.getAttribute('data-start-ms'));
    await hit.click();
    const at = Number(
      await listener.evaluate(`document.querySelector('[data-testid=replay-audio]').currentTime`),
    );
    console.log(`transcript hit "${word}" at ${startMs} ms; the replay moved to ${Math.round(at * 1000)} ms`);
    assert.ok(
      Math.abs(at * 1000 - startMs) < 1500,
      `the replay jumped to the moment (${at} s for ${startMs} ms)`,
    );
  },
);
