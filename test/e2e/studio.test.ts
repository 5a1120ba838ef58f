import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { evaluationLapTimes, openStudio, trainUntilDone } from './studio-helpers';

describe('training studio (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => session?.close());

  it('trains a car that laps re:Invent 2018 with the defaults, keeps it across a reload, and evaluates it again', async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);

    // Pick re:Invent 2018 (the default) explicitly, keep the default reward and settings.
    await page.getByRole('radio', { name: /re:Invent 2018/ }).check();
    await expect.poll(() => page.getByTestId('models').textContent()).toContain('No models yet');

    const status = await trainUntilDone(page);
    expect(status).toMatch(/stopped/);
    // The live view and charts were updated while training.
    const summary = await page.getByTestId('iteration-summary').textContent();
    expect(summary).toMatch(/Iteration [1-9]\d*/);
    await page.getByText('Show data as a table').click();
    expect(await page.locator('details table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('.view canvas').count()).toBe(1);
    expect(await page.getByTestId('training-evaluation').textContent()).toMatch(/3 of 3 trials lapped/);

    // Training stopped on a lap; the studio saved the model and evaluated it.
    const first = await evaluationLapTimes(page);
    expect(first).toHaveLength(3);
    for (const t of first) expect(t).toMatch(/^\d+\.\d\d s$/);
    expect(await page.getByTestId('model-item').count()).toBe(1);

    // Reload: the model is still there and evaluates to the same lap times (seeded).
    await page.reload();
    await page.getByTestId('model-item').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('model-item').count()).toBe(1);
    await page.getByRole('button', { name: /^Evaluate / }).click();
    const again = await evaluationLapTimes(page);
    expect(again).toEqual(first);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/.test(e))).toEqual([]);
  });
});
