/** Steps of the studio that several browser tests share. */
import type { Dialog, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Opens the studio and waits until it is ready to train (Train is enabled once storage has been read). */
export async function openStudio(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl);
  await page.locator('[data-testid=train]:enabled').waitFor({ timeout: 60_000 });
}

/**
 * Chooses the reward language with the editor's toggle (accepting the "replace your code?" question),
 * then replaces the reward code in the CodeMirror editor, as a user pasting it would.
 */
export async function setRewardCode(page: Page, code: string, language: 'javascript' | 'python' = 'javascript'): Promise<void> {
  await page.getByRole('tab', { name: 'Reward' }).click();
  const name = language === 'python' ? 'Python' : 'JavaScript';
  const radio = page.getByRole('radio', { name, exact: true });
  if (!(await radio.isChecked())) {
    // A page that already accepts every dialog (lesson-helpers' openLessons) has answered it first: nothing to do.
    const accept = (d: Dialog) => void d.accept().catch(() => {});
    page.on('dialog', accept);
    try {
      await radio.check();
    } finally {
      page.off('dialog', accept);
    }
  }
  const editor = page.getByLabel(`Reward function (${name})`);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await expect.poll(() => editor.textContent()).toContain('reward_function');
}

/** Presses Train and waits for training to end (stopped or failed). @returns the final status text. */
export async function trainUntilDone(page: Page, timeoutMs = 300_000): Promise<string> {
  await page.getByTestId('train').click();
  await page.getByTestId('stop').waitFor({ timeout: 30_000 }).catch(() => {});
  await page.waitForFunction(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: timeoutMs, polling: 250 });
  return (await page.getByTestId('status').textContent()) ?? '';
}

/** Waits for the evaluation table and returns its lap-time cells. */
export async function evaluationLapTimes(page: Page): Promise<string[]> {
  await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
  return page.getByTestId('lap-time').allTextContents();
}

/**
 * Trains a model for object avoidance with Raceline's fast sensors (track geometry + a 64-ray LiDAR, 3 boxes on
 * the track) for `iterations` policy updates, then stops: the studio keeps it under `name`.
 */
export async function trainObjectAvoidanceModel(page: Page, name: string, iterations = 6): Promise<void> {
  await page.getByRole('tab', { name: 'Sensors' }).click();
  await page.getByRole('radio', { name: /^Track geometry/ }).check();
  await page.getByRole('radio', { name: /^LiDAR 64 rays/ }).check();
  await expect.poll(() => page.getByTestId('sensor-summary').textContent()).toMatch(/TRACK_GEOMETRY, LIDAR · MLP on 86 numbers/);
  await page.getByRole('tab', { name: 'Track' }).click();
  await page.getByRole('radio', { name: 'Object avoidance' }).check();
  await page.getByRole('spinbutton', { name: 'Boxes' }).fill('3');
  await page.getByRole('tab', { name: 'Hyperparameters' }).click();
  await page.getByLabel(/Stop when the car laps/).uncheck();
  await page.getByLabel('Model name').fill(name);
  await page.getByTestId('train').click();
  const status = page.getByTestId('status');
  await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/running/);
  const done = new RegExp(`Iteration (${Array.from({ length: 10 - iterations }, (_, k) => iterations + k).join('|')}|\\d\\d)\\b`);
  await expect.poll(() => page.getByTestId('iteration-summary').textContent(), { timeout: 240_000, interval: 1000 }).toMatch(done);
  await page.getByTestId('stop').click();
  await expect.poll(() => status.textContent(), { timeout: 120_000 }).toMatch(/stopped/);
}

