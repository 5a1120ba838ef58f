/**
 * Accessibility (issue 8): axe-core scans every screen of the built site in real Chromium — the studio
 * with each setup tab, during and after training, the charts' data table, a model card's dialogs, the
 * race event page, log analysis and the reward debugger — and finds no serious or critical violation
 * (WCAG 2.x A and AA rules, colour contrast included). Then the studio is used from the keyboard only:
 * Tab reaches Train, each stop shows a visible focus outline, and Enter starts training.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio } from './studio-helpers';
import { describeViolations, seriousViolations } from './axe-helpers';

describe('accessibility (axe-core in real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession;
  /** Violations by screen, checked screen by screen. */
  const scan = async (screen: string): Promise<void> => {
    const vs = await seriousViolations(session.page);
    expect(vs, describeViolations(screen, vs)).toEqual([]);
  };

  beforeAll(async () => {
    session = await openBrowser();
    await openStudio(session.page, baseUrl);
  });
  afterAll(async () => session?.close());

  it('the studio with each setup tab', async () => {
    const { page } = session;
    const names = await page.getByRole('tablist', { name: 'Model setup' }).getByRole('tab').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['Track', 'Reward', 'Action space', 'Hyperparameters']));
    for (const name of names) {
      await page.getByRole('tab', { name, exact: true }).click();
      if (name === 'Reward') await page.getByLabel(/Reward function \(/).waitFor({ timeout: 30_000 });
      await scan(`studio, ${name} tab`);
    }
    await page.getByRole('tab', { name: 'Track', exact: true }).click();
  });

  it('during and after training, with the charts as a table', async () => {
    const { page } = session;
    await page.getByLabel('Model name').fill('a11y-model');
    await page.getByTestId('train').click();
    await page.getByTestId('iteration-summary').waitFor({ timeout: 240_000 });
    // The track view's text alternative narrates the first car.
    await expect
      .poll(() => page.getByTestId('track-narration').first().textContent(), { timeout: 30_000 })
      .toMatch(/^Car 1(: \d+% of the lap, [\d.]+ m\/s, (on|off) the track\.| )/);
    await scan('studio, training');
    while (!/stopped|failed/.test((await page.getByTestId('status').textContent()) ?? '')) {
      await page
        .locator('[data-testid=stop]:enabled')
        .click({ timeout: 2_000 })
        .catch(() => {});
      await page.waitForTimeout(500);
    }
    await page.getByTestId('model-item').filter({ hasText: 'a11y-model' }).waitFor({ timeout: 60_000 });
    await page.getByText('Show data as a table').first().click();
    await scan('studio, after training (charts as a table)');
  });

  it("a model card's dialogs", async () => {
    const { page } = session;
    // By id: while its name is edited, the card no longer shows the name as text.
    const id = await page.getByTestId('model-item').filter({ hasText: 'a11y-model' }).getAttribute('data-model-id');
    const card = page.locator(`[data-testid=model-item][data-model-id="${id}"]`);
    await card.getByRole('button', { name: /^Rename/ }).click();
    await scan('model card, rename');
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: /^Edit notes/ }).click();
    await scan('model card, notes');
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: /^Share link for/ }).click();
    await page.getByTestId('share-dialog').waitFor({ timeout: 60_000 });
    await scan('model card, share dialog');
    await page.keyboard.press('Escape');
    await page
      .getByTestId('share-dialog')
      .getByRole('button', { name: /close/i })
      .click({ timeout: 2_000 })
      .catch(() => {});
    await card.getByTestId('upload-to-car').click();
    await page.getByRole('dialog', { name: /Upload .* to a car/ }).waitFor({ timeout: 10_000 });
    await scan('model card, upload to car');
    await page.keyboard.press('Escape');
  });

  it('the race event page, log analysis and the reward debugger', async () => {
    const { page } = session;
    await page.getByTestId('nav-race').click();
    await page.getByRole('region', { name: 'Race event', exact: true }).waitFor({ timeout: 30_000 });
    await scan('race event');
    await page.getByTestId('nav-analysis').click();
    const analysis = page.getByRole('region', { name: 'Log analysis', exact: true });
    await analysis.waitFor({ timeout: 30_000 });
    await scan('log analysis, empty');
    // the model trained above: its training logs, the charts and the per-action map
    const models = page.getByTestId('analysis-model');
    const first = await models.locator('option').nth(1).getAttribute('value');
    expect(first).toBeTruthy();
    await models.selectOption(first!);
    await analysis.getByRole('button', { name: 'Open its logs' }).click();
    await expect.poll(() => page.getByTestId('analysis-summary').textContent(), { timeout: 60_000 }).toMatch(/training log\(s\), [\d,]+ episodes/);
    await scan('log analysis, with logs');
    await page.getByTestId('action-map-view').click();
    await page.getByTestId('action-map-action').selectOption('1');
    await expect.poll(() => analysis.locator('figcaption', { hasText: /Where the car chose action 1 \(steering -?\d+°, [\d.]+ m\/s\)/ }).count()).toBe(1);
    await scan('log analysis, action map');
    await page.getByTestId('sector-view').click();
    await expect.poll(() => page.getByTestId('sector-row').count()).toBe(10);
    await scan('log analysis, sector times');
    await page.getByTestId('nav-debugger').click();
    await page.getByRole('region', { name: 'Reward debugger', exact: true }).waitFor({ timeout: 30_000 });
    await scan('reward debugger');
    await page.getByTestId('nav-studio').click();
  });

  it('from the keyboard only: Tab reaches Train with a visible focus, and Enter starts training', async () => {
    const { page } = session;
    await openStudio(page, baseUrl);
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        return { testid: el.dataset.testid ?? '', tag: el.tagName, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2, visible: el.matches(':focus-visible') };
      });
      expect(focus, `Tab ${i + 1} lost the focus`).not.toBeNull();
      expect(focus!.visible && focus!.outline, `Tab ${i + 1}: ${focus!.tag} ${focus!.testid} has no visible focus outline`).toBe(true);
      reached = focus!.testid === 'train';
    }
    expect(reached, 'Train is reachable with Tab').toBe(true);
    // The setup tabs: one tab stop, arrows move between tabs.
    await page.getByRole('tab', { name: 'Track', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Reward');
    expect(await page.getByRole('tab', { name: 'Reward', exact: true }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Track');
    await page.getByTestId('train').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('stop').waitFor({ timeout: 60_000 });
    // The focus moves to Pause, in Train's place, once training runs (not to the page, not to Stop).
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName), { timeout: 120_000 })
      .toBe('pause');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? '')).toBe('stop');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 120_000, polling: 250 });
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? '')).toBe('train');
  });
});
