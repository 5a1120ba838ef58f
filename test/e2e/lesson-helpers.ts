/**
 * Following a lesson in the browser as a student does: press the lesson panel's buttons by the names the lesson
 * uses, press Check and read the result, move on. Shared by the lesson walk-through (lessons.test.ts) and the
 * wrong-answer tests (lesson-checks.test.ts).
 */
import type { Dialog, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { waitForStatus } from './garage-helpers';
import { openStudio } from './studio-helpers';

/**
 * A fresh profile with the studio open and the lesson map shown; every confirm dialog is accepted (as a student
 * pressing OK to "replace your reward function?").
 */
export async function openLessons(baseUrl: string): Promise<{ session: BrowserSession; page: Page; lesson: LessonDriver }> {
  const session = await openBrowser();
  const page = session.page;
  page.on('dialog', (d: Dialog) => void d.accept());
  await openStudio(page, baseUrl);
  const lesson = new LessonDriver(page);
  await lesson.panel.getByTestId('lesson-map').waitFor({ timeout: 30_000 });
  return { session, page, lesson };
}

export class LessonDriver {
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('lesson-panel');
  }

  /** Presses a button of the lesson panel by its name. */
  async press(name: string): Promise<void> {
    await this.panel.getByRole('button', { name, exact: true }).click();
  }

  /** Opens a lesson from the map (going back to the map first if a lesson is open). */
  async openLesson(title: string): Promise<void> {
    const map = this.panel.getByRole('button', { name: '← Lesson map' });
    if (await map.isVisible()) await map.click();
    await this.panel.getByRole('button', { name: `Open lesson: ${title}` }).click();
    await expect.poll(() => this.panel.getByTestId('lesson-title').textContent()).toBe(title);
  }

  /** Goes to step `n` (1-based) with the step list's buttons. */
  async goToStep(n: number): Promise<void> {
    await this.panel.getByRole('button', { name: new RegExp(`^Step ${n}: `) }).click();
    await expect.poll(() => this.panel.getByTestId('step-title').textContent()).toMatch(new RegExp(`^Step ${n} of `));
  }

  /** Presses Check and returns the result once shown. */
  async check(timeout = 120_000): Promise<string> {
    await this.press('Check');
    await this.panel.getByTestId('check-result').locator('p').waitFor({ timeout });
    return (await this.panel.getByTestId('check-result').textContent()) ?? '';
  }

  async expectPass(timeout?: number): Promise<void> {
    expect(await this.check(timeout)).toMatch(/^✓ Passed/);
  }

  /** Presses Check and expects it to fail with a message matching `why`. */
  async expectFail(why: RegExp, timeout?: number): Promise<void> {
    const text = await this.check(timeout);
    expect(text).toMatch(/^✗ Not yet/);
    expect(text).toMatch(why);
  }

  /** Next step, or Finish lesson on the last one. */
  async next(): Promise<void> {
    await this.panel.getByRole('button', { name: /^(Next step|Finish lesson)$/ }).click();
  }

  /** Presses Next step until the lesson is finished and the map is back. */
  async finishLesson(): Promise<void> {
    for (let k = 0; k < 10 && (await this.panel.getByTestId('lesson-title').isVisible()); k++) {
      const step = await this.panel.getByTestId('step-title').textContent();
      await this.next();
      await expect.poll(async () => (await this.panel.getByTestId('lesson-title').isVisible()) && (await this.panel.getByTestId('step-title').textContent()) === step).toBe(false);
    }
    await this.panel.getByTestId('lesson-map').waitFor();
  }

  /** The progress line of a lesson on the map. */
  async mapProgress(title: string): Promise<string> {
    return (await this.panel.getByTestId('lesson-item').filter({ hasText: title }).getByTestId('lesson-progress').textContent()) ?? '';
  }

  /** Presses the studio's Train and waits until training stopped. */
  async train(timeout = 300_000): Promise<void> {
    await this.page.getByRole('button', { name: 'Train', exact: true }).click();
    await waitForStatus(this.page, /stopped|failed/, timeout);
    expect(await this.page.getByTestId('status').textContent()).toMatch(/stopped/);
  }

  /** The iteration number of the training summary line (0 before any). */
  async iterationsShown(): Promise<number> {
    const summary = this.page.getByTestId('iteration-summary');
    if (!(await summary.isVisible())) return 0;
    return Number(/Iteration (\d+)/.exec((await summary.textContent()) ?? '')?.[1] ?? 0);
  }

  /** Training seconds of the newest iteration in the summary line (null before any), for the figures a test reports. */
  async secondsShown(): Promise<number | null> {
    const summary = this.page.getByTestId('iteration-summary');
    if (!(await summary.isVisible())) return null;
    const m = /Iteration \d+ · (\d+) s/.exec((await summary.textContent()) ?? '');
    return m ? Number(m[1]) : null;
  }

  /** Waits for the evaluation table of a model. */
  async evaluationOf(name: string): Promise<void> {
    await this.page.getByTestId('evaluation').getByRole('heading', { name: `Evaluation: ${name}` }).waitFor({ timeout: 120_000 });
    await this.page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
  }
}
