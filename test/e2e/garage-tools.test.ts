import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio } from './studio-helpers';
import { fixtureZip, importFiles, waitForStatus } from './garage-helpers';

const OVAL_NPY = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/tracks-npy/Oval_track.npy');

describe('garage tools (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  let zipPath = '';
  afterAll(async () => {
    await session?.close();
    if (zipPath) rmSync(dirname(zipPath), { recursive: true, force: true });
  });

  it('imports a .npy track into the picker, renames, annotates, filters and sorts models, and clones one with its lineage', async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);

    // A DeepRacer route file becomes a track in the picker (a shipped name is not hidden), kept across a reload.
    await page.getByTestId('import-npy').setInputFiles(OVAL_NPY);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Track "Oval_track \(imported\)" imported \(\d+\.\d m long\) and selected\./);
    expect(await page.getByRole('radio', { name: /Oval_track \(imported\)/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /^Oval Track/ }).count()).toBe(1);
    await page.getByTestId('import-npy').setInputFiles({ name: 'broken.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('not a numpy file') });
    await expect.poll(() => page.getByTestId('track-import-error').textContent()).toMatch(/^broken\.npy: /);
    await page.reload();
    await openStudio(page, baseUrl);
    expect(await page.getByRole('radio', { name: /Oval_track \(imported\)/ }).count()).toBe(1);

    // Two models: rename one, give it notes; search and sort.
    zipPath = await fixtureZip('Alpha');
    await importFiles(page, zipPath);
    await expect.poll(() => page.getByTestId('model-item').count()).toBe(1);
    await importFiles(page, zipPath);
    await expect.poll(() => page.getByTestId('model-item').count()).toBe(2);
    await page.getByRole('button', { name: 'Rename Alpha' }).first().click();
    await page.getByLabel('New name for Alpha').fill('Zulu');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => page.getByTestId('model-name').allTextContents()).toEqual(['Zulu', 'Alpha']);
    await page.getByRole('button', { name: 'Edit notes of Zulu' }).click();
    await page.getByLabel('Notes for Zulu').fill('brakes late in turn 2');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await expect.poll(() => page.getByTestId('model-notes').allTextContents()).toEqual(['brakes late in turn 2']);
    await page.getByLabel('Sort').selectOption('name');
    await expect.poll(() => page.getByTestId('model-name').allTextContents()).toEqual(['Alpha', 'Zulu']);
    await page.getByLabel('Search').fill('turn 2');
    await expect.poll(() => page.getByTestId('model-name').allTextContents()).toEqual(['Zulu']);
    await page.getByLabel('Search').fill('');
    await page.reload(); // names and notes are kept (labels), the models unchanged
    await openStudio(page, baseUrl);
    await expect.poll(() => page.getByTestId('model-name').allTextContents()).toEqual(['Zulu', 'Alpha']);

    // Clone Alpha: its action space is fixed, training starts from its weights, the new model names its parent.
    await page.getByRole('button', { name: 'Clone Alpha' }).click();
    await expect.poll(() => page.getByTestId('clone-banner').textContent()).toContain('Cloning “Alpha”');
    await page.getByRole('tab', { name: 'Action space' }).click();
    expect(await page.getByTestId('clone-action-space').textContent()).toMatch(/Fixed by “Alpha”.*10 discrete actions/s);
    await page.getByRole('tab', { name: 'Track' }).click();
    expect(await page.getByRole('radio', { name: /re:Invent 2018/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Model name').inputValue()).toBe('Alpha (clone)');
    await page.getByTestId('train').click();
    await waitForStatus(page, /stopped|failed/);
    expect(await page.getByTestId('status').textContent()).toMatch(/stopped/);
    const clone = page.getByTestId('model-item').filter({ hasText: 'Alpha (clone)' });
    await clone.waitFor({ timeout: 30_000 });
    expect(await clone.getByTestId('lineage').textContent()).toBe('Cloned from “Alpha”');
    expect(await clone.getByText('clone', { exact: true }).count()).toBe(1); // the origin badge
    expect(await page.getByTestId('clone-banner').count()).toBe(0);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall|404/.test(e))).toEqual([]);
  });
});
