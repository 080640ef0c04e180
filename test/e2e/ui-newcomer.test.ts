/**
 * What a new user met in the web app, each fixed and checked in real Chromium against a real
 * server (a 440 Hz WAV as everyone's mic): the host is warned before going live without a mic,
 * a connected mic is not "Audio offline" while muted, backstage LIVE says who really hears you,
 * a listener who never raised a hand is invited by @handle (unknown handles and people not
 * listening get their own messages), role changes and a host's mute are announced, co-hosts are
 * offered only what they may do, the counts name people on stage, leaving the stage logs no
 * failed request, the host finds a listener in the audience list and bans them, the banned
 * person reopening the Space is told plainly, reactions are drawn without an emoji font, and
 * the room fits a 390×844 phone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer, signUp, type TestServer } from '../helpers/server.js';
import { FAKE_MEDIA_ARGS, launchChromium } from '../helpers/browser.js';
import { writeWav } from '../helpers/audio-wav.js';

const root = join(import.meta.dirname, '..', '..');
let server: TestServer;
let browser: Browser;
let wavDir: string;
let host: Page;
let fan: Page;
let other: Page;
const suffix = String(process.pid % 10_000);
const hostHandle = `nu_host_${suffix}`;
const fanHandle = `nu_fan_${suffix}`;
const otherHandle = `nu_other_${suffix}`;
const pageErrors: string[] = [];
/** confirm() texts each page was asked, newest last; `dismissNext` answers the next one "no" */
const dialogs = new Map<Page, string[]>();
let dismissNext = false;
const member = (handle: string): string => `[data-testid=stage-member][data-handle=${handle}]`;
const text = async (page: Page, sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').trim();

async function newUser(handle: string, viewport = { width: 1000, height: 900 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${handle}: ${e.message}`));
  dialogs.set(page, []);
  page.on('dialog', (d) => {
    dialogs.get(page)?.push(d.message());
    if (dismissNext) {
      dismissNext = false;
      void d.dismiss();
    } else void d.accept();
  });
  await page.goto(`${server.url}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
  return page;
}

/** waits until the element with `testid` contains `fragment` */
function says(page: Page, testid: string, fragment: string, timeout = 10_000): Promise<unknown> {
  const sel = JSON.stringify(`[data-testid=${testid}]`);
  return page.waitForFunction(
    `document.querySelector(${sel})?.textContent?.includes(${JSON.stringify(fragment)})`,
    undefined,
    { timeout },
  );
}

/** no horizontal scroll: the page is no wider than the viewport */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  assert.ok(scroll <= client, `page is ${scroll}px wide in a ${client}px viewport`);
}

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  wavDir = mkdtempSync(join(tmpdir(), 'rostra-nu-'));
  const tone = new Int16Array(20 * 48_000);
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
  fan = await newUser(fanHandle);
  other = await newUser(otherHandle, { width: 390, height: 844 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (wavDir) rmSync(wavDir, { recursive: true, force: true });
});

void describe('a new user in the web app', { timeout: 300_000 }, () => {
  void test('backstage: a warning before going live without a mic; a muted, connected mic is not "Audio offline"; LIVE says who hears you', async () => {
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', `Newcomer ${suffix}`);
    await host.click('[data-testid=create-submit]');
    await host.waitForSelector('[data-testid=go-live]');
    await host.waitForSelector('[data-testid=go-live-warning]:not([hidden])');
    dismissNext = true;
    await host.click('[data-testid=go-live]');
    assert.match(dialogs.get(host)?.at(-1) ?? '', /microphone is not connected/);
    assert.equal(await text(host, '[data-testid=space-state]'), 'Backstage', 'a "no" keeps it backstage');

    await host.click('[data-testid=mic-connect]');
    await host.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 15_000 });
    // still muted, but the audio connection is up: the tile must not say "Audio offline"
    await host.waitForSelector(`${member(hostHandle)}:not(.away)`, { timeout: 10_000 });
    assert.equal(await host.getAttribute('[data-testid=mic-state]', 'data-state'), 'muted');
    assert.equal(await host.isVisible('[data-testid=go-live-warning]'), false);

    await host.click('[data-testid=mic-toggle]');
    await host.waitForSelector('[data-testid=mic-state][data-state=live]');
    const backstage = await text(host, '[data-testid=mic-state]');
    assert.match(backstage, /only the people on stage hear you/);
    assert.doesNotMatch(backstage, /everyone/);

    const asked = dialogs.get(host)?.length ?? 0;
    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);
    assert.equal(dialogs.get(host)?.length, asked, 'no warning with a connected mic');
    await says(host, 'mic-state', 'everyone hears you');
  });

  void test('the host invites a listener by @handle who never raised a hand; unknown and absent handles get their own message', async () => {
    await fan.goto(host.url());
    await fan.click('[data-testid=play]');
    await host.waitForFunction(
      `document.querySelector('[data-testid=listening-now]')?.textContent === '1'`,
      undefined,
      {
        timeout: 15_000,
      },
    );
    // the counts name the people on stage apart from listeners
    assert.equal(await text(host, '[data-testid=on-stage]'), '1');

    await host.fill('[data-testid=invite-input]', `@nobody_${suffix}_x`);
    await host.click('[data-testid=invite-submit]');
    await says(host, 'room-alert', `No account is called @nobody_${suffix}_x`);
    const away = await signUp(server.url, 'nu_away');
    await host.fill('[data-testid=invite-input]', `@${away.handle}`);
    await host.click('[data-testid=invite-submit]');
    await says(host, 'room-alert', `@${away.handle} is not listening`);

    await host.fill('[data-testid=invite-input]', `@${fanHandle.toUpperCase()}`);
    await host.click('[data-testid=invite-submit]');
    await fan.waitForSelector('[data-testid=invitation]:not([hidden])', { timeout: 5_000 });
    await fan.click('[data-testid=accept-invite]');
    await says(fan, 'stage-note', 'You are on stage');
    // accepting is a click: the mic connects by itself (muted)
    await fan.waitForSelector('[data-testid=mic-toggle]:not([disabled])', { timeout: 20_000 });
  });

  void test("a host's mute and a new role are announced; a co-host is offered only what a co-host may do", async () => {
    await fan.click('[data-testid=mic-toggle]');
    await fan.waitForSelector('[data-testid=mic-state][data-state=live]');
    await host.click(`${member(fanHandle)} summary`);
    await host.click(`${member(fanHandle)} [data-testid=mute]`);
    await fan.waitForSelector('[data-testid=mic-state][data-state=muted]', { timeout: 5_000 });
    await says(fan, 'room-alert', 'A host muted you');

    await host.click(`${member(fanHandle)} summary`);
    await host.click(`${member(fanHandle)} [data-testid=make-cohost]`);
    await says(fan, 'stage-note', 'You are now a co-host');
    await fan.waitForSelector('[data-testid=invite-input]');
    assert.equal(await fan.isVisible('[data-testid=end-space]'), false, 'co-hosts cannot end the Space');
    // the host is not a co-host's to manage: no menu on the host's tile
    assert.equal(await fan.locator(`${member(hostHandle)} [data-testid=member-menu]`).count(), 0);
    assert.equal(await text(host, '[data-testid=on-stage]'), '2');
  });

  void test('leaving the stage logs no failed request', async () => {
    const failed: string[] = [];
    fan.on('console', (m) => {
      if (m.type() === 'error') failed.push(m.text());
    });
    fan.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await fan.click('[data-testid=leave-stage]');
    await fan.waitForSelector('[data-testid=play]', { timeout: 10_000 });
    await says(fan, 'stage-note', 'back in the audience');
    await host.waitForSelector(member(fanHandle), { state: 'detached', timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(failed, []);
  });

  void test('the host finds a listener in the audience list and bans them; reopening, they are told they cannot join', async () => {
    await other.goto(host.url());
    await other.click('[data-testid=play]');
    await other.waitForSelector('[data-testid=play][data-state=playing]', { timeout: 15_000 });
    // a phone: the signed-in handle stays visible, nothing scrolls sideways
    assert.equal(await other.isVisible('[data-testid=nav-handle]'), true);
    await fitsWidth(other);

    await host.click('[data-testid=listeners-toggle]');
    await host.waitForSelector(`[data-testid=listener][data-handle=${fanHandle}]`);
    await host.fill('[data-testid=listener-search]', otherHandle.slice(0, 8));
    await host.waitForFunction(
      `[...document.querySelectorAll('[data-testid=listener]')].map((r) => r.dataset.handle).join() === ${JSON.stringify(otherHandle)}`,
      undefined,
      { timeout: 10_000 },
    );
    await host.click(`[data-testid=listener][data-handle=${otherHandle}] [data-testid=listener-ban]`);
    assert.match(dialogs.get(host)?.at(-1) ?? '', /Ban @nu_other/);
    await other.waitForSelector('[data-testid=ended]', { timeout: 10_000 });
    assert.match(await text(other, '[data-testid=ended] h1'), /banned/);

    await other.goto(host.url());
    await other.reload();
    await other.waitForSelector('[data-testid=banned]', { timeout: 10_000 });
    assert.match(await text(other, '[data-testid=banned] h1'), /cannot join/);
    assert.equal(await other.locator('[data-testid=play]').count(), 0, 'no Play button to fail on');
    await fitsWidth(other);
  });

  void test("reactions are drawn with the app's own icons, not an emoji font", async () => {
    const buttons = await fan.$$eval('[data-testid^=react-]', (els) =>
      els.map((b) => ({
        svg: b.querySelectorAll('svg').length,
        text: (b.textContent ?? '').trim(),
        label: b.getAttribute('aria-label'),
      })),
    );
    assert.equal(buttons.length, 8);
    for (const b of buttons) {
      assert.equal(b.svg, 1, JSON.stringify(b));
      assert.equal(b.text, '', `no emoji text in ${b.label}`);
      assert.match(b.label ?? '', /^React: [a-z ]+$/);
    }
    await fan.click('[data-testid=react-1]');
    await host.waitForSelector('[data-testid=reaction-float] svg', { timeout: 5_000 });
  });

  void test('the room fits a 390×844 phone without sideways scrolling', async () => {
    const ctx = host.context();
    await host.setViewportSize({ width: 390, height: 844 });
    await fitsWidth(host);
    await host.screenshot({ path: '/tmp/wx/room-phone.png', fullPage: true });
    await host.goto(`${server.url}/#/`);
    await host.waitForSelector('[data-testid=live-list] [data-testid=space-card]');
    await fitsWidth(host);
    assert.ok(ctx);
    assert.deepEqual(pageErrors, []);
  });
});
