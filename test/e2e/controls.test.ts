import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio } from './studio-helpers';

describe('training controls', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => session?.close());

  it('pauses, resumes and stops; Stop keeps the model trained so far; nothing is fetched from outside the site', async () => {
    session = await openBrowser();
    const { page } = session;
    const origin = new URL(baseUrl).origin;
    const outside: string[] = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
    });
    await openStudio(page, baseUrl);
    await page.getByLabel(/Stop when the car laps/).uncheck();
    await page.getByLabel('Model name').fill('stopped-by-hand');
    await page.getByTestId('train').click();

    const iteration = async () => Number(/Iteration (\d+)/.exec((await page.getByTestId('iteration-summary').textContent()) ?? '')?.[1] ?? 0);
    await page.getByTestId('iteration-summary').waitFor({ timeout: 120_000 });
    await page.getByTestId('pause').click();
    await page.waitForFunction(() => /paused/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000 });
    const pausedAt = await iteration();
    await page.waitForTimeout(3000);
    expect(await iteration()).toBe(pausedAt); // no training while paused

    await page.getByTestId('resume').click();
    await expect.poll(iteration, { timeout: 60_000, interval: 250 }).toBeGreaterThan(pausedAt);
    await page.getByTestId('stop').click();
    await page.waitForFunction(() => /stopped/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000 });

    // The saved model's notice says its evaluation follows, then what came of it.
    expect(await page.getByTestId('notice').textContent()).toMatch(/"stopped-by-hand" saved: training ended because you stopped it\. (Evaluating it now\.|Evaluated: )/);
    await expect.poll(() => page.getByTestId('models').textContent()).toContain('stopped-by-hand');
    await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
    await expect
      .poll(() => page.getByTestId('notice').textContent(), { timeout: 30_000 })
      .toMatch(/"stopped-by-hand" saved: training ended because you stopped it\. Evaluated: [0-3] of 3 trials completed a lap \(see Evaluation\)\./);
    expect(outside).toEqual([]);
  });
});
