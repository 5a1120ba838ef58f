/**
 * Zero install and offline (issue 8): after one visit the service worker has precached the whole
 * site, and with the network off the studio loads (also from a link with a query string and a
 * fragment), a model trains with the default JavaScript reward and with a Python reward (Pyodide
 * from the cache, through the reward sandbox), a lesson opens, and the other screens open.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { setRewardCode } from './studio-helpers';

const PY_REWARD = `def reward_function(params):
    return 1.0 if params['all_wheels_on_track'] else 1e-3
`;

/** Paths (relative to the site) of every entry in Cache Storage. */
async function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const r of await cache.keys()) out.push(new URL(r.url).pathname);
    }
    return out;
  });
}

/** Waits until Train is enabled (storage read). */
async function waitForStudio(page: Page): Promise<void> {
  await page.locator('[data-testid=train]:enabled').waitFor({ timeout: 60_000 });
}

/** Trains until two iterations are done, then stops. @returns the final status text. */
async function trainTwoIterations(page: Page): Promise<string> {
  await page.getByTestId('train').click();
  await page.waitForFunction(() => /Iteration [2-9]|Iteration \d\d/.test(document.querySelector('[data-testid=iteration-summary]')?.textContent ?? ''), null, {
    timeout: 240_000,
    polling: 250,
  });
  // Stop is disabled while an iteration is being saved: press it once it is enabled, unless training ended meanwhile.
  const ended = (): Promise<boolean> => page.evaluate(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''));
  while (!(await ended())) {
    await page
      .locator('[data-testid=stop]:enabled')
      .click({ timeout: 2_000 })
      .catch(() => {});
    await page.waitForFunction(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 5_000, polling: 250 }).catch(() => {});
  }
  const status = (await page.getByTestId('status').textContent()) ?? '';
  const notice = (await page.getByTestId('notice').allTextContents()).join(' ');
  return `${status} ${notice}`;
}

describe('offline after one visit (real Chromium, built site, service worker)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession;
  /** Requests that failed after the network went off (nothing the site needs may be among them). */
  const failed: string[] = [];
  beforeAll(async () => {
    session = await openBrowser();
    session.page.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
  });
  afterAll(async () => session?.close());

  it('precaches the site on the first visit and says so', async () => {
    const { page } = session;
    await page.goto(baseUrl);
    await waitForStudio(page);
    const note = page.getByTestId('offline-note');
    await note.getByText('Ready to work offline').waitFor({ timeout: 180_000 });
    expect(await note.getAttribute('role')).toBe('status');
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const paths = await cachedPaths(page);
    for (const file of [
      /\/index\.html$/,
      /\/reward-sandbox\.html$/,
      /\/pyodide\/pyodide\.asm\.wasm$/,
      /\/pyodide\/python_stdlib\.zip$/,
      /\/pyodide\/pyodide\.mjs$/,
      /\/pyodide\/pyodide-lock\.json$/,
      /\/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/,
      /\/assets\/learner\.worker-[\w-]+\.js$/,
      /\/assets\/sim\.worker-[\w-]+\.js$/,
      /\/assets\/reward-host\.worker-[\w-]+\.js$/,
    ]) {
      expect(paths.some((p) => file.test(p)), `${file} is not precached; cached: ${paths.join(', ')}`).toBe(true);
    }
  });

  it('with the network off, loads from a link with a query string and a fragment and trains with the JavaScript reward', async () => {
    const { page, context } = session;
    await context.setOffline(true);
    // Nothing reaches the server now: a file the site never had fails.
    expect(await page.evaluate(() => fetch(`./not-a-file-${Date.now()}.txt`).then(() => 'answered', () => 'failed'))).toBe('failed');
    await page.goto(`${baseUrl}?from=class-link&v=2#/nothing-here`);
    await waitForStudio(page);
    await page.reload();
    await waitForStudio(page);
    await page.getByLabel('Model name').fill('offline-js');
    expect(await trainTwoIterations(page)).toMatch(/stopped/);
    await page.getByTestId('model-item').filter({ hasText: 'offline-js' }).waitFor({ timeout: 60_000 });
  });

  it('with the network off, trains with a Python reward (Pyodide from the cache, in the reward sandbox)', async () => {
    const { page } = session;
    await setRewardCode(page, PY_REWARD, 'python');
    await page.getByLabel('Model name').fill('offline-python');
    expect(await trainTwoIterations(page)).toMatch(/stopped/);
    const log = (await page.getByTestId('training-log').textContent()) ?? '';
    expect(log).toMatch(/Python reward function ready in [\d.]+ s/);
    await page.getByTestId('model-item').filter({ hasText: 'offline-python' }).waitFor({ timeout: 60_000 });
  });

  it('with the network off, opens a lesson (lessons are bundled in precached chunks)', async () => {
    const { page } = session;
    const panel = page.getByTestId('lesson-panel');
    await panel.waitFor({ timeout: 30_000 });
    const toggle = panel.getByTestId('lesson-toggle');
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    const open = panel.getByRole('button', { name: /^Open lesson: / }).first();
    const title = ((await open.getAttribute('aria-label')) ?? '').replace(/^Open lesson: /, '');
    await open.click();
    await expect.poll(() => panel.getByTestId('lesson-title').textContent()).toBe(title);
    expect(((await panel.getByTestId('step-text').textContent()) ?? '').trim().length).toBeGreaterThan(20);
  });

  it('with the network off, opens the other screens (their chunks come from the cache)', async () => {
    const { page } = session;
    for (const [nav, screen] of [
      ['nav-race', 'Race event'],
      ['nav-analysis', 'Log analysis'],
      ['nav-debugger', 'Reward debugger'],
    ] as const) {
      await page.getByTestId(nav).click();
      await page.getByRole('region', { name: screen, exact: true }).waitFor({ timeout: 30_000 });
    }
    await page.getByTestId('nav-studio').click();
    // ERR_ABORTED: a request cancelled by the page's own reload, not a file missing from the cache.
    const siteFailures = failed.filter((f) => f.startsWith(new URL(baseUrl).origin) && !/not-a-file-|net::ERR_ABORTED/.test(f));
    expect(siteFailures, 'site requests that failed offline').toEqual([]);
    expect(session.errors.filter((e) => !/not-a-file-|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });
});
