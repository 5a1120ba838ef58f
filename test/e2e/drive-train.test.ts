/**
 * Training and driving never run together (drive-state.svelte.ts): pressing Train while the keyboard drive of "You
 * are the agent" is on stops the drive, the main view is the training view again, and "Drive the car" waits until
 * training has stopped.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserSession } from './browser';
import { waitForStatus } from './garage-helpers';
import { openLessons, type LessonDriver } from './lesson-helpers';

const baseUrl = inject('baseUrl');

describe('Train stops the keyboard drive', () => {
  let session: BrowserSession;
  let page: Page;
  let lesson: LessonDriver;
  beforeAll(async () => {
    ({ session, page, lesson } = await openLessons(baseUrl));
  });
  afterAll(async () => session?.close());

  it('pressing Train while driving ends the drive; Drive the car is refused until training stops', async () => {
    await lesson.openLesson('You are the agent');
    await lesson.press('Drive the car');
    const area = page.getByRole('region', { name: 'Training' }).getByTestId('drive-area');
    await area.waitFor();
    // Drive a little, so the drive is really under way when Train is pressed.
    await page.keyboard.down('ArrowUp');
    await expect.poll(async () => Number.parseFloat((await lesson.panel.getByTestId('drive-best').textContent()) ?? '0'), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.keyboard.up('ArrowUp');

    await page.getByTestId('train').click();
    await expect.poll(() => page.getByTestId('drive-area').count(), { timeout: 10_000 }).toBe(0);
    expect(await lesson.panel.getByRole('button', { name: 'Stop driving' }).count()).toBe(0);
    const drive = lesson.panel.getByRole('button', { name: 'Drive the car', exact: true });
    await expect.poll(() => drive.isDisabled()).toBe(true);
    expect(await drive.getAttribute('title')).toMatch(/Stop training first/);

    await waitForStatus(page, /running/, 60_000);
    await page.getByTestId('stop').click();
    await waitForStatus(page, /stopped|failed/, 120_000);
    await expect.poll(() => drive.isEnabled(), { timeout: 30_000 }).toBe(true);
    await lesson.press('Drive the car');
    await area.waitFor();
  });
});
