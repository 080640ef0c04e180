/**
 * Debian's Chromium for browser tests, started the way this project's machines allow: headless,
 * no sandbox (root), no GPU, no background networking (the network is closed). `extraArgs`
 * add what a test needs, e.g. fake media devices, a WAV file as the mic, or autoplay.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** a fake mic and camera, granted without a prompt */
export const FAKE_MEDIA_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

/**
 * `enforceCsp`: pages obey the server's Content-Security-Policy. Off by default because the
 * policy forbids eval, which Playwright needs for string predicates (waitForFunction); the
 * CSP test (test/e2e/ui-csp.test.ts) turns it on and waits with selectors only.
 */
export async function launchChromium(
  extraArgs: readonly string[] = [],
  opts: { enforceCsp?: boolean } = {},
): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...BASE_ARGS, ...extraArgs],
  });
  if (opts.enforceCsp) return browser;
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = (o = {}) => newContext({ bypassCSP: true, ...o });
  browser.newPage = (o = {}) => newPage({ bypassCSP: true, ...o });
  return browser;
}

/**
 * A new browser context (its own storage, 1000×900) signed up as `handle` through the web app's
 * sign-up form at `baseUrl`; page errors go to `pageErrors`, dialogs are accepted.
 */
export async function signedUpPage(
  browser: Browser,
  baseUrl: string,
  handle: string,
  pageErrors: string[],
): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${baseUrl}/#/signup`);
  await page.fill('[data-testid=handle-input]', handle);
  await page.fill('[data-testid=password-input]', 'correct horse battery');
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('[data-testid=nav-handle]');
  return page;
}
