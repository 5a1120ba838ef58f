import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { evaluationLapTimes, openStudio } from './studio-helpers';
import { download, importFiles, waitForStatus } from './garage-helpers';
import { importModelZip } from '../../src/share/model-zip';

/** Iteration number in the summary line under the training controls (0 before the first). */
async function iterationShown(session: BrowserSession): Promise<number> {
  const text = (await session.page.getByTestId('iteration-summary').textContent().catch(() => null)) ?? '';
  return Number(/Iteration (\d+)/.exec(text)?.[1] ?? 0);
}

/** Laps completed by the training episodes of the newest iteration, from the same summary line. */
async function lapsInLastIteration(session: BrowserSession): Promise<number> {
  const text = (await session.page.getByTestId('iteration-summary').textContent().catch(() => null)) ?? '';
  return Number(/laps (\d+)/.exec(text)?.[1] ?? 0);
}

/** The garage's undo time for deletions (UNDO_MS in src/ui/garage.svelte.ts), ms. */
const UNDO_MS = 10_000;

describe('garage: autosave, resume, export, delete, import (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  const profile = mkdtempSync(join(tmpdir(), 'raceline-garage-'));
  let session: BrowserSession | null = null;
  afterAll(async () => {
    await session?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('resumes a run from its checkpoint after the tab closed mid-training, and the exported zip evaluates to the same lap times after delete and import', async () => {
    // 1. Train, and close the browser as soon as the first checkpoint is written. The default setup can lap every
    // evaluation trial at the first iteration, which would end the run with that same checkpoint, so this run does
    // not stop on a lap: it is still training when the tab goes.
    session = await openBrowser(profile);
    let page = session.page;
    await openStudio(page, baseUrl);
    await page.getByLabel('Model name').fill('resumed-car');
    await page.getByLabel(/^Stop when the car laps/).uncheck();
    await page.getByTestId('train').click();
    await page.getByTestId('autosave').waitFor({ timeout: 180_000 });
    const autosaved = (await page.getByTestId('autosave').textContent()) ?? '';
    expect(autosaved).toMatch(/^Autosaved iteration \d+ \(\d+ ms\)/);
    expect(await page.getByTestId('status').textContent()).toMatch(/running|paused/); // still training
    await session.context.close(); // the tab (and the browser) goes away mid-training

    // 2. Reopen the same profile: the run is offered for resuming, at the checkpoint's iteration.
    session = await openBrowser(profile);
    page = session.page;
    await openStudio(page, baseUrl);
    const offer = page.getByTestId('resume-offer');
    await offer.waitFor({ timeout: 30_000 });
    const offerText = (await offer.textContent()) ?? '';
    expect(offerText).toMatch(/Training “resumed-car” on re:Invent 2018 was interrupted at iteration \d+/);
    const checkpointIteration = Number(/iteration (\d+)/.exec(offerText)![1]);
    expect(checkpointIteration).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('model-item').count()).toBe(0);

    // 3. Resume: the charts show the checkpoint's iterations at once, then training goes on (with the run's own
    // settings, so it does not stop on a lap) until an iteration's episodes lap at least 3 times and the user stops it.
    await page.getByTestId('resume-run').click();
    await expect.poll(() => iterationShown(session!), { timeout: 10_000 }).toBe(checkpointIteration);
    await page.getByText('Show data as a table').click();
    expect(await page.locator('details table tbody tr').count()).toBeGreaterThanOrEqual(checkpointIteration);
    expect(await page.getByLabel('Model name').inputValue()).toBe('resumed-car');
    expect(await page.getByLabel(/^Stop when the car laps/).isChecked()).toBe(false);
    await expect.poll(() => iterationShown(session!), { timeout: 120_000 }).toBeGreaterThan(checkpointIteration);
    await expect.poll(() => lapsInLastIteration(session!), { timeout: 180_000 }).toBeGreaterThanOrEqual(3);
    await page.getByTestId('stop').click();
    await waitForStatus(page, /stopped|failed/);
    expect(await page.getByTestId('status').textContent()).toMatch(/stopped/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/"resumed-car" saved: training ended because you stopped it/);
    const before = await evaluationLapTimes(page);
    expect(before).toHaveLength(3);
    for (const t of before) expect(t).toMatch(/^\d+\.\d\d s$/);
    expect(await page.getByTestId('resume-offer').count()).toBe(0); // the finished run is not offered again
    const item = page.getByTestId('model-item').filter({ hasText: 'resumed-car' });
    expect(await item.getByTestId('model-result').textContent()).toMatch(/Best evaluation: 3\/3 laps, mean lap \d+\.\d\d s/);
    await expect.poll(() => item.getByTestId('best-lap').count()).toBe(1); // thumbnail of the best lap

    // 4. Export the zip.
    const exported = await download(page, () => page.getByRole('button', { name: 'Export .zip of resumed-car' }).click());
    expect(exported.download.suggestedFilename()).toBe('resumed-car.zip');
    const pkg = await importModelZip(exported.bytes); // a zip the codec accepts, with the run's history
    expect(pkg.name).toBe('resumed-car');
    expect(pkg.training?.iterations).toBeGreaterThan(checkpointIteration);
    expect(pkg.history.length).toBe(pkg.training?.iterations);
    expect(pkg.evaluation?.trials.map((t) => `${t.lapTimeS!.toFixed(2)} s`)).toEqual(before);
    // DeepRacer's sim-trace logs: one training file per iteration (resumed numbering continues) and the evaluation's.
    expect(pkg.logs.training.map((l) => l.iteration)).toEqual(Array.from({ length: pkg.training!.iterations }, (_, i) => i));
    expect(pkg.logs.evaluation.length).toBeGreaterThanOrEqual(1);
    expect(pkg.logs.evaluation[0].csv.split('\n')[0]).toBe('episode,steps,X,Y,yaw,steer,throttle,action,reward,done,all_wheels_on_track,progress,closest_waypoint,track_len,tstamp,episode_status,pause_duration');
    const zipPath = join(profile, '..', `resumed-car-${Date.now()}.zip`);
    writeFileSync(zipPath, exported.bytes);

    // 5. Delete it: undo brings it back; deleting again removes it from storage once the undo time is over.
    await item.getByRole('button', { name: 'Delete resumed-car' }).click();
    await expect.poll(() => page.getByTestId('model-item').count()).toBe(0);
    await page.getByRole('button', { name: 'Undo deleting resumed-car' }).click();
    await expect.poll(() => page.getByTestId('model-item').count()).toBe(1);
    await page.getByRole('button', { name: 'Delete resumed-car' }).click();
    await page.getByTestId('undo-delete').waitFor({ state: 'detached', timeout: UNDO_MS + 10_000 });
    await page.reload();
    await openStudio(page, baseUrl);
    await expect.poll(() => page.getByTestId('models').textContent()).toContain('No models yet');

    // 6. A damaged zip is refused with the codec's message and nothing is imported.
    const damaged = join(profile, '..', `damaged-${Date.now()}.zip`);
    writeFileSync(damaged, exported.bytes.subarray(0, exported.bytes.length - 200));
    await importFiles(page, damaged);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Nothing was imported from damaged-\d+\.zip: damaged-\d+\.zip: .*(cut short|damaged|not a zip)/i);
    expect(await page.getByTestId('model-item').count()).toBe(0);

    // 7. Import the exported zip and evaluate: the same lap times as before the export.
    await importFiles(page, zipPath);
    await page.getByTestId('model-item').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('model-item').first().textContent()).toContain('imported');
    await page.getByRole('button', { name: 'Evaluate resumed-car' }).click();
    const after = await evaluationLapTimes(page);
    expect(after).toEqual(before);
    expect(await page.getByTestId('claim-check').textContent()).toMatch(/Reproduces the result this model came with/);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/.test(e))).toEqual([]);
    rmSync(zipPath, { force: true });
    rmSync(damaged, { force: true });
  });
});
