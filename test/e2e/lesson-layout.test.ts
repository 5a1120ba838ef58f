/**
 * The studio on a school laptop (issue 15): from the keyboard, the lesson panel is reached in at most 5 Tab presses
 * (the "Skip to lesson" link is the page's first stop); and at 1366×768 and 1280×800, with the lesson "A first
 * reward function" open at "Watch it drive" and a model evaluated, the track view, the evaluation table with its
 * Replay buttons and the lesson step (its text and Check) are all on the first screen at once, without scrolling.
 * Wider (1920×1080) the same holds; narrow (390×844) the columns stack and nothing is wider than the screen.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio } from './studio-helpers';
import { fixtureZip, importFiles } from './garage-helpers';

const baseUrl = inject('baseUrl');
const shots = mkdtempSync(join(tmpdir(), 'raceline-layout-'));

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The element's box in viewport pixels (getBoundingClientRect). */
async function boxOf(locator: Locator): Promise<Box> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  });
}

/** Asserts that each named element is visible and lies wholly inside a `width`×`height` viewport. */
async function expectAllInView(page: Page, width: number, height: number, elements: Record<string, Locator>): Promise<void> {
  for (const [name, locator] of Object.entries(elements)) {
    expect(await locator.isVisible(), `${name} is visible`).toBe(true);
    const b = await boxOf(locator);
    const where = `${name} at ${JSON.stringify(b)} in ${width}×${height}`;
    expect(b.right - b.left, `${where}: has a width`).toBeGreaterThan(0);
    expect(b.left, where).toBeGreaterThanOrEqual(0);
    expect(b.top, where).toBeGreaterThanOrEqual(0);
    expect(b.right, where).toBeLessThanOrEqual(width);
    expect(b.bottom, where).toBeLessThanOrEqual(height);
  }
}

describe('the studio on a school laptop', () => {
  let session: BrowserSession;
  let page: Page;
  beforeAll(async () => {
    session = await openBrowser();
    page = session.page;
  });
  afterAll(async () => session?.close());

  it('reaches the lesson panel from the keyboard in at most 5 Tab presses (Skip to lesson)', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await openStudio(page, baseUrl);
    await page.getByTestId('lesson-panel').getByTestId('lesson-map').waitFor({ timeout: 30_000 });
    const skip = page.getByRole('link', { name: 'Skip to lesson' });
    // Visually hidden until focused: its box lies above the top of the page.
    expect((await boxOf(skip)).bottom).toBeLessThanOrEqual(0);
    // Fresh load, focus at the document start.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const inPanel = (): Promise<boolean> => page.evaluate(() => !!document.getElementById('lesson-panel')?.contains(document.activeElement));
    let tabs = 0;
    while (tabs < 5 && !(await inPanel())) {
      await page.keyboard.press('Tab');
      tabs++;
      // On the skip link, Enter (not a Tab press) follows it: the focus moves to the lesson panel's container.
      if (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid === 'skip-to-lesson')) {
        const b = await boxOf(skip);
        expect(b.top, 'the focused skip link is on screen').toBeGreaterThanOrEqual(0);
        expect(b.bottom - b.top).toBeGreaterThan(10);
        await page.keyboard.press('Enter');
      }
    }
    expect(await inPanel(), `focus inside the lesson panel after ${tabs} Tab presses`).toBe(true);
    expect(tabs).toBeLessThanOrEqual(5);
    expect(tabs).toBe(1); // the skip link is the first stop
    // The next Tab reaches the panel's first control, still inside the panel.
    await page.keyboard.press('Tab');
    expect(await inPanel()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/^(Hide|Show) lessons$/);
  });

  it('shows the track, the evaluation table with Replay and the lesson step at once at 1366×768 and 1280×800', async () => {
    page.on('dialog', (d) => void d.accept());
    await page.setViewportSize({ width: 1366, height: 768 });
    await openStudio(page, baseUrl);
    const panel = page.getByTestId('lesson-panel');
    await panel.getByRole('button', { name: 'Open lesson: A first reward function' }).click();
    await expect.poll(() => panel.getByTestId('lesson-title').textContent()).toBe('A first reward function');
    await panel.getByRole('button', { name: /^Step 3: / }).click();
    await expect.poll(() => panel.getByTestId('step-title').textContent()).toBe('Step 3 of 5: Watch it drive');
    await importFiles(page, await fixtureZip('fixture-a'));
    await page.getByRole('button', { name: 'Evaluate fixture-a' }).click();
    const evaluation = page.getByTestId('evaluation');
    await evaluation.getByRole('heading', { name: 'Evaluation: fixture-a' }).waitFor({ timeout: 120_000 });
    await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
    // Pressing Evaluate scrolled down to the model list; the check is of the page's first screen, not scrolled.
    await page.evaluate(() => window.scrollTo(0, 0));
    // The first trial replays on the track while the others' Replay buttons wait ("Replaying…" is the widest button).
    await evaluation.getByRole('button', { name: 'Replay trial 1' }).click();
    await evaluation.getByRole('button', { name: 'Replaying trial 1' }).waitFor();

    for (const [width, height] of [
      [1366, 768],
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(300); // the track view follows its box on resize
      await page.screenshot({ path: join(shots, `studio-${width}x${height}.png`) });
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await expectAllInView(page, width, height, {
        'track view': page.locator('.view canvas').first(),
        'evaluation table': evaluation.locator('table'),
        'Replay trial 1': evaluation.getByRole('button', { name: /^Replay(ing)? trial 1$/ }),
        'Replay trial 2': evaluation.getByRole('button', { name: 'Replay trial 2' }),
        'Replay trial 3': evaluation.getByRole('button', { name: 'Replay trial 3' }),
        'step title': panel.getByTestId('step-title'),
        'step text': panel.getByTestId('step-text'),
        Check: panel.getByRole('button', { name: 'Check', exact: true }),
      });
      // The track view is big enough to watch, and nothing is wider than the screen.
      const view = await boxOf(page.locator('.view canvas').first());
      expect(view.right - view.left).toBeGreaterThanOrEqual(380);
      expect(view.bottom - view.top).toBeGreaterThanOrEqual(240);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }

    // The reward editor has room too (the setup column is as wide as the track and lesson columns leave).
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('tab', { name: 'Reward' }).click();
    const editor = page.locator('.cm-editor').first();
    await editor.waitFor({ timeout: 30_000 });
    expect((await boxOf(editor)).right - (await boxOf(editor)).left).toBeGreaterThanOrEqual(520);
    await page.getByRole('tab', { name: 'Track' }).click();

    // Narrow: the columns stack (track above the lesson panel) and nothing is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, 'studio-390x844.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const track = await boxOf(page.locator('.view'));
    const lessons = await boxOf(panel);
    expect(lessons.top).toBeGreaterThanOrEqual(track.bottom);
    expect(track.left).toBeGreaterThanOrEqual(0);
    expect(track.right).toBeLessThanOrEqual(390);
  });
});
