import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio } from './studio-helpers';
import { download, fixtureModelFiles, fixtureZip, importFiles, waitForStatus } from './garage-helpers';
import { importModelZip } from '../../src/share/model-zip';

/** Room left above the usage when the quota is set, bytes: a handful of models (the fixture model is 48 KB of weights). */
const HEADROOM_BYTES = 600_000;
/** Imports tried at most before the test gives up waiting for the quota error. */
const MAX_IMPORTS = 40;

describe('storage quota (real Chromium quota, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  let zipPath = '';
  afterAll(async () => {
    await session?.close();
    if (zipPath) rmSync(dirname(zipPath), { recursive: true, force: true });
  });

  it('fills storage until the quota error, says so, stops training on it, and keeps every model saved before readable', async () => {
    session = await openBrowser();
    const { page, context } = session;
    await openStudio(page, baseUrl);
    // The service worker's precache (Pyodide included) is written in the background after the first visit; let it
    // finish, or it keeps growing the usage after the quota is set and eats the headroom meant for the models.
    await page.getByTestId('offline-note').getByText('Ready to work offline').waitFor({ timeout: 180_000 });
    // A real quota: Chromium's DevTools protocol sets this origin's quota just above what it uses now.
    const origin = new URL(baseUrl).origin;
    const cdp = await context.newCDPSession(page);
    const { usage } = (await cdp.send('Storage.getUsageAndQuota', { origin })) as { usage: number };
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + HEADROOM_BYTES });

    // 1. Import the same model again and again until the browser refuses.
    zipPath = await fixtureZip('quota-car');
    let saved = 0;
    let refusal = '';
    for (let k = 0; k < MAX_IMPORTS && !refusal; k++) {
      await importFiles(page, zipPath);
      await expect
        .poll(async () => ((await page.getByTestId('model-item').count()) > saved || /Nothing was imported/.test((await page.getByTestId('notice').textContent().catch(() => '')) ?? '')), { timeout: 30_000 })
        .toBe(true);
      const notice = (await page.getByTestId('notice').textContent()) ?? '';
      if (/Nothing was imported/.test(notice)) refusal = notice;
      else saved = await page.getByTestId('model-item').count();
    }
    expect(refusal).toContain(
      'Nothing was imported from quota-car.zip: Browser storage is full: this model was not saved. Delete old models or free disk space; everything saved before is intact.',
    );
    expect(saved).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('model-item').count()).toBe(saved); // nothing half-imported

    // 2. Training with the storage full stops at the first checkpoint that does not fit, with the reason.
    await page.getByTestId('notice').getByRole('button', { name: 'Dismiss message' }).click();
    await page.getByTestId('train').click();
    await waitForStatus(page, /stopped|failed/);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Browser storage is full: the checkpoint of iteration \d+ was not saved, so training stopped\./);
    expect(await page.getByTestId('model-item').count()).toBe(saved);

    // 3. After a reload every model saved before is listed, and each exports with weights identical to the original.
    await page.reload();
    await openStudio(page, baseUrl);
    await expect.poll(() => page.getByTestId('model-item').count()).toBe(saved);
    await expect.poll(() => page.getByTestId('storage').textContent()).toMatch(/^Storage: [\d.]+ (KB|MB) used of [\d.]+ (MB|GB) available/);
    const original = fixtureModelFiles()['weights.bin'];
    const buttons = page.getByRole('button', { name: 'Export .zip of quota-car' });
    // The first export goes through the browser's download. In this page Chromium raised no download event for the
    // later ones (seen here and in CI; whether the overridden quota or the browser's multiple-download guard is the
    // cause is not settled), so those are read from the blob the page hands to its download link.
    await page.evaluate(() => {
      const w = window as unknown as { __exports: string[] };
      w.__exports = [];
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        if (this.download && this.href.startsWith('blob:')) w.__exports.push(this.href);
        return click.call(this);
      };
    });
    const exportedBytes = async (k: number): Promise<Uint8Array> => {
      if (k === 0) return (await download(page, () => buttons.nth(k).click())).bytes;
      await buttons.nth(k).click();
      const hrefs = () => page.evaluate(() => (window as unknown as { __exports: string[] }).__exports);
      await expect.poll(async () => (await hrefs()).length).toBe(k + 1);
      return new Uint8Array(await page.evaluate(async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer())], (await hrefs())[k]));
    };
    for (let k = 0; k < saved; k++) {
      const bytes = await exportedBytes(k);
      const pkg = await importModelZip(bytes);
      expect(Buffer.from(new Uint8Array(pkg.weights.buffer, pkg.weights.byteOffset, pkg.weights.byteLength)).equals(Buffer.from(original))).toBe(true);
    }
    expect(session.errors.filter((e) => !/GL Driver|GPU stall|QuotaExceeded|quota/i.test(e))).toEqual([]);
  });
});
