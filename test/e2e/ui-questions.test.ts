/**
 * Questions in the web app against a real server (real Chromium): a listener asks, another
 * upvotes, the host sees both in the queue and answers it ("now answering" reaches everyone,
 * then "answered"); markup in a question stays text; after the Space ends the replay page lists
 * the questions. Posting and voting are HTTP; the listeners play (WebSocket tier), so the board
 * reaches them in bulletins (a listener who has not pressed Play sees it through the snapshot
 * poll instead, every 5 s).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAKE_MEDIA_ARGS, launchChromium, signedUpPage } from '../helpers/browser.js';

const root = join(import.meta.dirname, '..', '..');
let server: TestServer;
let browser: Browser;
let host: Page;
let asker: Page;
let voter: Page;
const suffix = String(process.pid % 10_000);
const question = 'How does the mixer keep 20 ms frames?';
const markup = '<img src=x onerror="window.__owned=1"> bold?';
const pageErrors: string[] = [];
const queueItem = (text: string) => `[data-testid=queue-question]:has-text("${text}")`;
const boardItem = (text: string) => `[data-testid=question]:has-text("${text}")`;

before(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'pipe' });
  server = await startTestServer();
  browser = await launchChromium([...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required']);
  const page = (name: string) => signedUpPage(browser, server.url, `${name}_${suffix}`, pageErrors);
  [host, asker, voter] = await Promise.all([page('qa_host'), page('qa_asker'), page('qa_voter')]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

void describe('questions in the web app', { timeout: 120_000 }, () => {
  void test('a host answers a question that a listener posted and another upvoted', async () => {
    await host.goto(`${server.url}/#/new`);
    await host.fill('[data-testid=title-input]', `Q&A ${suffix}`);
    await host.click('[data-testid=create-submit]');
    await host.click('[data-testid=go-live]');
    await host.waitForFunction(`document.querySelector('[data-testid=space-state]')?.textContent === 'LIVE'`);

    await asker.goto(host.url());
    await asker.click('[data-testid=play]');
    await asker.fill('[data-testid=ask-input]', question);
    await asker.click('[data-testid=ask-submit]');
    await asker.waitForSelector(boardItem(question), { timeout: 20_000 });

    await voter.goto(host.url());
    await voter.click('[data-testid=play]');
    await voter.waitForSelector(boardItem(question), { timeout: 20_000 });
    await voter.click(`${boardItem(question)} [data-testid=upvote]`);
    await voter.waitForSelector(`${boardItem(question)} [data-testid=upvote]:has-text("▲ 1")`, {
      timeout: 20_000,
    });
    // the author cannot upvote their own question
    assert.equal(await asker.isDisabled(`${boardItem(question)} [data-testid=upvote]`), true);

    await host.waitForSelector(`${queueItem(question)}:has-text("1 votes")`, { timeout: 20_000 });
    await host.click(`${queueItem(question)} [data-testid=answer-now]`);
    for (const page of [asker, voter, host]) {
      await page.waitForSelector(`[data-testid=now-answering-text]:has-text("${question}")`, {
        timeout: 20_000,
      });
    }
    await host.click(`${queueItem(question)} [data-testid=mark-answered]`);
    await voter.waitForSelector('[data-testid=now-answering][hidden]', {
      state: 'attached',
      timeout: 20_000,
    });
    await voter.waitForSelector('[data-testid=question-summary]:has-text("1 answered")');
  });

  void test('markup in a question is shown as text and runs nothing', async () => {
    await voter.fill('[data-testid=ask-input]', markup);
    await voter.click('[data-testid=ask-submit]');
    await asker.waitForSelector('[data-testid=question-text]:has-text("onerror")', { timeout: 20_000 });
    assert.equal(await asker.textContent(`${boardItem('bold?')} [data-testid=question-text]`), markup);
    assert.equal(await asker.$(`[data-testid=question-list] img`), null);
    assert.equal(await asker.evaluate('window.__owned'), undefined);
  });

  void test('a question the host hides leaves the board; the replay page lists the rest', async () => {
    await host.waitForSelector(queueItem('bold?'), { timeout: 20_000 });
    await host.click(`${queueItem('bold?')} [data-testid=hide-question]`);
    await asker.waitForSelector(boardItem('bold?'), { state: 'detached', timeout: 20_000 });
    await host.click('[data-testid=end-space]');
    await host.waitForSelector('[data-testid=ended]', { timeout: 20_000 });
    await asker.waitForSelector('[data-testid=ended]', { timeout: 15_000 }).catch(async () => asker.reload());
    await asker.goto(host.url());
    await asker.waitForSelector(`[data-testid=replay-question]:has-text("${question}")`, { timeout: 20_000 });
    assert.match((await asker.textContent('[data-testid=replay-questions]')) ?? '', /1 votes · answered/);
    assert.equal(await asker.$('[data-testid=replay-question]:has-text("bold?")'), null);
    assert.deepEqual(pageErrors, []);
  });
});
