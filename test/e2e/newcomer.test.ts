/**
 * Issue 7's acceptance, as a newcomer clicks through it: train an object-avoidance model (track geometry to see
 * the road, a LiDAR to see the boxes), race it against two bot cars on the race page, and open the analysis
 * screen's sector times to see where on the track it loses time.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, trainObjectAvoidanceModel } from './studio-helpers';

describe('a newcomer trains for object avoidance, races two bots and reads the sector times (real Chromium)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('object avoidance with geometry + LiDAR → head to bot with 2 bots → "most time lost in sector …"', async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);

    // Sensors: the road from track geometry, boxes and cars from the LiDAR; 3 boxes; a few policy updates, then Stop.
    await trainObjectAvoidanceModel(page, 'Newcomer');
    await expect.poll(() => page.getByTestId('model-item').count(), { timeout: 30_000 }).toBe(1);

    // The race page: head to head against two bot cars, the saved model as the one entry.
    await page.getByTestId('nav-race').click();
    await page.getByTestId('race-format').selectOption('head_to_bot');
    await page.getByRole('spinbutton', { name: 'Bot cars' }).fill('2');
    await page.getByRole('checkbox', { name: 'Newcomer' }).check();
    await page.getByRole('button', { name: 'Add chosen models' }).click();
    await expect.poll(() => page.getByTestId('race-entry').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('race-run').click();
    await page.getByTestId('leaderboard').waitFor({ timeout: 300_000 });
    const board = (await page.getByTestId('leaderboard').textContent()) ?? '';
    expect(board).toContain('Newcomer');

    // The analysis screen: the race's log, sector by sector.
    await page.getByTestId('nav-analysis').click();
    const model = page.getByTestId('analysis-model');
    await model.waitFor({ timeout: 30_000 });
    await model.selectOption({ label: 'Newcomer' });
    await page.getByRole('button', { name: 'Open its logs' }).click();
    await page.getByTestId('analysis-summary').waitFor({ timeout: 60_000 });
    await page.getByTestId('analysis-phase').selectOption('evaluation');
    await expect.poll(() => page.getByTestId('analysis-summary').textContent()).toMatch(/: [12] evaluation log\(s\)/); // the studio's evaluation after training, and the race
    await page.getByTestId('sector-view').click();
    expect(await page.getByTestId('sector-row').count()).toBe(10);
    const summary = (await page.getByTestId('sector-summary').textContent()) ?? '';
    expect(summary).toMatch(/^Most time lost in sector (10|[1-9]) \(waypoints \d+–\d+\): /);
    const passes = await page.locator('[data-testid=sector-row] td:nth-child(3)').allTextContents();
    expect(passes.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await page.locator('tr.worst').count()).toBe(1);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/i.test(e))).toEqual([]);
  });
});
