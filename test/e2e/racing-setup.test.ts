import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { evaluationLapTimes, openStudio } from './studio-helpers';

describe('racing setup against the limit lap (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => session?.close());

  it('picks the racing setup in one click, draws the limit line, and shows the evaluation against the limit', async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);
    // The limit lap of the chosen track is computed in its worker and shown beside the button.
    await expect.poll(() => page.getByTestId('track-limit').textContent(), { timeout: 30_000 }).toMatch(/Limit lap on re:Invent 2018: 4\.\d\d s/);
    await page.getByRole('button', { name: 'Racing setup' }).click();
    await page.getByRole('tab', { name: 'Action space' }).click();
    await expect.poll(() => page.locator('.panel').textContent()).toMatch(/4(\.0)? m\/s/);
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    expect(await page.getByLabel(/Stop when the car laps/).isChecked()).toBe(false);
    expect(await page.getByRole('spinbutton', { name: 'Discount factor' }).inputValue()).toBe('0.97');
    await page.getByRole('tab', { name: 'Reward' }).click();
    await expect.poll(() => page.locator('.cm-content').first().textContent()).toMatch(/10000/);
    await page.getByTestId('show-limit-line').check();

    // Train briefly (the 10-minute run is `npm run bench:race`'s), then stop: the studio saves and evaluates.
    await page.getByTestId('train').click();
    const status = page.getByTestId('status');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/running/);
    await expect.poll(() => page.getByTestId('iteration-summary').textContent(), { timeout: 240_000, interval: 1000 }).toMatch(/Iteration (1[5-9]|[2-9]\d|\d{3})\b/);
    await page.getByTestId('stop').click();
    await expect.poll(() => status.textContent(), { timeout: 120_000 }).toMatch(/stopped/);
    await evaluationLapTimes(page);
    const ratio = page.getByTestId('evaluation').getByTestId('limit-ratio');
    await expect.poll(() => ratio.textContent(), { timeout: 30_000 }).toMatch(/Mean (lap \d+\.\d\d s · limit 4\.\d\d s · \d+\.\d\d×|no lap · limit 4\.\d\d s)/);
    // The model card shows the same against the limit once a lap was completed.
    const text = (await ratio.textContent()) ?? '';
    if (/Mean lap/.test(text)) await expect.poll(() => page.getByTestId('model-result').first().textContent()).toMatch(/limit 4\.\d\d s · \d+\.\d\d×/);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/.test(e))).toEqual([]);
  });
});
