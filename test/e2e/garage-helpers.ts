/** Steps and files the garage, share-link and storage browser tests share. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Download, Page } from 'playwright-core';
import { fromModelFiles } from '../../src/share/model-package';
import { exportModelZip } from '../../src/share/model-zip';

/** The model folder `npm run fixtures` writes (MLP 64-64, re:Invent 2018, seed 1). */
export const FIXTURE_MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/models/reinvent-base-seed1');

/** The racing setup's fixture model (`npm run fixtures:race`: 5 minutes of `--preset race` on re:Invent 2018, seed 1). */
export const RACE_FIXTURE_MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/models/reinvent-race-seed1');

/** Every file of a fixture model folder (default: `FIXTURE_MODEL_DIR`) by name. */
export function fixtureModelFiles(dir = FIXTURE_MODEL_DIR): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir)) files[name] = new Uint8Array(readFileSync(join(dir, name)));
  return files;
}

/**
 * Writes a fixture model (default: `FIXTURE_MODEL_DIR`) as a Raceline zip (made by the same codec the page uses)
 * under a new temp folder. @returns its path.
 */
export async function fixtureZip(name = 'fixture-model', dir = FIXTURE_MODEL_DIR): Promise<string> {
  const pkg = await fromModelFiles(fixtureModelFiles(dir));
  const path = join(mkdtempSync(join(tmpdir(), 'raceline-zip-')), `${name}.zip`);
  writeFileSync(path, await exportModelZip({ ...pkg, name }));
  return path;
}

/** Clicks `button` and returns the download it starts, with its bytes. */
export async function download(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Uint8Array }> {
  const started = page.waitForEvent('download', { timeout: 30_000 });
  await click();
  const d = await started.catch(async (e: Error) => {
    // Say what the page said instead of a bare timeout: an export that failed leaves its reason in the notice.
    const notice = await page.getByTestId('notice').textContent({ timeout: 1_000 }).catch(() => null);
    throw new Error(`${e.message}; the page's notice: ${notice ?? '(none)'}`);
  });
  const path = await d.path();
  return { download: d, bytes: new Uint8Array(readFileSync(path)) };
}

/** Chooses files in the garage's import picker. */
export async function importFiles(page: Page, ...paths: string[]): Promise<void> {
  await page.getByTestId('import-zip').setInputFiles(paths);
}

/** Waits until the status line matches `re`. */
export async function waitForStatus(page: Page, re: RegExp, timeout = 300_000): Promise<void> {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid=status]')?.textContent ?? ''), re.source, { timeout, polling: 200 });
}
