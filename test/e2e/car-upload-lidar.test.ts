/**
 * Issue 9's acceptance with a LiDAR model: train a model with track geometry and a 64-ray LiDAR (for object
 * avoidance) in the studio, press "Upload to car", keep the virtual car, watch the upload's progress and the
 * verified "done", and see the virtual car drive the track with that model, its LiDAR fed by the page's
 * simulator.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, trainObjectAvoidanceModel } from './studio-helpers';

describe('upload a LiDAR model to the virtual car (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('trains geometry + LiDAR, uploads it with progress and a verified done, and the virtual car drives it', async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);
    await trainObjectAvoidanceModel(page, 'LiDAR car');

    await page.getByTestId('upload-to-car').first().click();
    const dialog = page.getByTestId('car-upload');
    await dialog.waitFor();
    await expect.poll(() => page.getByTestId('car-upload-start').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole('radio', { name: /Virtual car/ }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: /^int8/ }).check();
    await page.getByTestId('car-upload-start').click();
    await page.getByTestId('car-upload-result').waitFor({ timeout: 120_000 });
    const result = page.getByTestId('car-upload-result');
    expect(await result.getAttribute('data-outcome')).toBe('switched');
    expect((await result.textContent())?.replace(/\s+/g, ' ')).toMatch(/✓ Done: the car runs the new model \(slot \d\), \d+ bytes in [\d.]+ s\. Verified/);
    expect(await page.getByTestId('car-upload-bytes').textContent()).toMatch(/^([\d,]+) of \1 bytes acknowledged \(100%\)/);
    // The virtual car drives the model's track with it, its LiDAR and geometry from the page's simulator.
    await expect.poll(async () => parseFloat((await page.getByTestId('virtual-progress').textContent()) ?? '0'), { timeout: 60_000 }).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=virtual-track] canvas').count()).toBe(1);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/i.test(e))).toEqual([]);
  });
});
