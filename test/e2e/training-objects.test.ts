/**
 * Object avoidance and head to bot in the studio: the boxes and bot cars the training cars meet are drawn on
 * the track view while they train (streamed from the first sim worker with the car poses), and said in text.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio } from './studio-helpers';
import { waitForStatus } from './garage-helpers';

describe('objects in the live training view (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('draws the boxes while training for object avoidance, then the bot cars of a head-to-bot run', async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);
    const view = page.locator('.track-view').first();
    expect(await view.getAttribute('data-objects')).toBe('0');

    await page.getByRole('tab', { name: 'Track' }).click();
    await page.getByRole('radio', { name: 'Object avoidance' }).check();
    await page.getByRole('spinbutton', { name: 'Boxes' }).fill('4');
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    await page.getByLabel(/Stop when the car laps/).uncheck();
    await page.getByTestId('train').click();
    await waitForStatus(page, /running/);
    await expect.poll(() => view.getAttribute('data-objects'), { timeout: 90_000 }).toBe('4');
    expect(await page.getByTestId('track-objects').first().textContent()).toBe('4 boxes on the track');
    await page.getByTestId('stop').click();
    await waitForStatus(page, /stopped|failed|idle/);

    await page.getByRole('tab', { name: 'Track' }).click();
    await page.getByRole('radio', { name: 'Head to head against bot cars' }).check();
    await page.getByRole('spinbutton', { name: 'Bot cars' }).fill('2');
    await page.getByTestId('train').click();
    await waitForStatus(page, /running/);
    await expect.poll(() => page.getByTestId('track-objects').first().textContent(), { timeout: 90_000 }).toBe('2 cars on the track');
    await page.getByTestId('stop').click();
    await waitForStatus(page, /stopped|failed|idle/);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/i.test(e))).toEqual([]);
  });
});
