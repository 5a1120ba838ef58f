/**
 * Issue 15, "nothing a student types is lost", in real Chromium on the built site: the reward code and settings
 * typed but not trained come back after a reload (and a damaged draft falls back to the defaults), the charts and
 * data table of the last run come back after a reload, and a hyperparameter a field cannot take is refused at the
 * field with a message while the field shows the value in force.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, setRewardCode } from './studio-helpers';
import { waitForStatus } from './garage-helpers';
import { encodeClassLink } from '../../src/share/class-link';
import { defaultEvent } from '../../src/race/rules';

const JS_REWARD = `function reward_function(params) {
  // drafted, never trained
  return params.all_wheels_on_track ? 0.5 + params.speed / 8 : 1e-3;
}
`;

/** The message next to a field (the element its aria-describedby names). */
async function fieldMessage(page: Page, label: string): Promise<string> {
  const id = await page.getByRole('spinbutton', { name: label, exact: true }).getAttribute('aria-describedby');
  return (await page.locator(`[id="${id}"]`).textContent()) ?? '';
}

/** Reloads and waits until the studio is ready again. */
async function reload(page: Page, baseUrl: string): Promise<void> {
  await page.reload();
  await page.locator('[data-testid=train]:enabled').waitFor({ timeout: 60_000 });
  expect(page.url().startsWith(baseUrl.replace(/\/$/, ''))).toBe(true);
}

describe('studio draft: nothing typed is lost (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  const profile = mkdtempSync(join(tmpdir(), 'raceline-draft-'));
  const sessions: BrowserSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.close();
    rmSync(profile, { recursive: true, force: true });
  });
  let drafting: BrowserSession | null = null;
  /** The browser on `profile` (opened by the first test that needs it, kept for the next), with the studio ready. */
  async function draftingPage(): Promise<Page> {
    if (!drafting) {
      drafting = await openBrowser(profile);
      sessions.push(drafting);
      await openStudio(drafting.page, baseUrl);
    }
    return drafting.page;
  }

  it('brings back the reward code, its language and the settings typed but not trained after a reload; a damaged draft gives the defaults', async () => {
    const page = await draftingPage();
    await setRewardCode(page, JS_REWARD, 'javascript');
    await page.getByRole('tab', { name: 'Track' }).click();
    await page.getByRole('radio', { name: /^Oval Track/ }).check();
    await page.getByRole('tab', { name: 'Action space' }).click();
    await page.getByRole('spinbutton', { name: 'Speed granularity' }).fill('3');
    await page.getByRole('tab', { name: 'Sensors' }).click();
    await page.getByRole('radio', { name: /^LiDAR 64 rays/ }).check();
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    await page.getByRole('spinbutton', { name: 'Discount factor', exact: true }).fill('0.99');
    await page.getByLabel('Maximum time (minutes)').fill('3');
    await page.getByLabel(/^Stop when the car laps/).uncheck();
    await page.getByLabel('Model name').fill('draft-car');

    // Reload at once: the draft is written when the page goes, not only after its short delay.
    await reload(page, baseUrl);
    await page.getByRole('tab', { name: 'Reward' }).click();
    const editor = page.getByLabel('Reward function (JavaScript)');
    await expect.poll(() => editor.textContent(), { timeout: 30_000 }).toContain('// drafted, never trained');
    expect(await editor.textContent()).toContain('0.5 + params.speed / 8');
    expect(await page.getByRole('radio', { name: 'JavaScript', exact: true }).isChecked()).toBe(true);
    await page.getByRole('tab', { name: 'Track' }).click();
    expect(await page.getByRole('radio', { name: /^Oval Track/ }).isChecked()).toBe(true);
    await page.getByRole('tab', { name: 'Action space' }).click();
    expect(await page.getByRole('spinbutton', { name: 'Speed granularity' }).inputValue()).toBe('3');
    await page.getByRole('tab', { name: 'Sensors' }).click();
    expect(await page.getByRole('radio', { name: /^LiDAR 64 rays/ }).isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('sensor-summary').textContent()).toMatch(/TRACK_GEOMETRY, LIDAR/);
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    expect(await page.getByRole('spinbutton', { name: 'Discount factor', exact: true }).inputValue()).toBe('0.99');
    expect(await page.getByLabel('Maximum time (minutes)').inputValue()).toBe('3');
    expect(await page.getByLabel(/^Stop when the car laps/).isChecked()).toBe(false);
    expect(await page.getByLabel('Model name').inputValue()).toBe('draft-car');

    // A damaged draft is ignored: the studio opens with the defaults.
    await page.evaluate(() => localStorage.setItem('raceline.studio-draft', '{"type":"studio-draft","version":1,"reward":'));
    await reload(page, baseUrl);
    await page.getByRole('tab', { name: 'Reward' }).click();
    const python = page.getByLabel('Reward function (Python)');
    await expect.poll(() => python.textContent(), { timeout: 30_000 }).toContain('def reward_function');
    expect(await page.getByRole('radio', { name: 'Python', exact: true }).isChecked()).toBe(true);
    await page.getByRole('tab', { name: 'Track' }).click();
    expect(await page.getByRole('radio', { name: /re:Invent 2018/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Maximum time (minutes)').inputValue()).toBe('10');
    expect(await page.getByLabel(/^Stop when the car laps/).isChecked()).toBe(true);
    // A draft part DeepRacer refuses (a learning rate of 0.5) is left out; the good parts beside it come back.
    await page.evaluate(() => localStorage.setItem('raceline.studio-draft', JSON.stringify({ type: 'studio-draft', version: 1, hyperparameters: { learningRate: 0.5 }, maxMinutes: 4 })));
    await reload(page, baseUrl);
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    expect(await page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('0.0003');
    expect(await page.getByLabel('Maximum time (minutes)').inputValue()).toBe('4');
    expect(drafting!.errors.filter((e) => !/GL Driver|GPU stall/.test(e))).toEqual([]);
  });

  it('refuses a learning rate of 0.5 and an entropy of "abc" at the field, naming the allowed range, and shows the value in force', async () => {
    const page = await draftingPage();
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    const lr = page.getByRole('spinbutton', { name: 'Learning rate', exact: true });
    await lr.fill('0.5');
    expect(await fieldMessage(page, 'Learning rate')).toMatch(/1e-8–1e-3/); // marked while typed
    await lr.press('Tab');
    expect(await lr.inputValue()).toBe('0.0003');
    expect(await fieldMessage(page, 'Learning rate')).toBe('0.5 refused: Learning rate takes a number 1e-8–1e-3. Kept 0.0003.');
    expect(await lr.getAttribute('aria-invalid')).toBe('false');

    const entropy = page.getByRole('spinbutton', { name: 'Entropy', exact: true });
    await entropy.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('abc'); // Chromium drops the letters: the field is empty while typed
    expect(await fieldMessage(page, 'Entropy')).toMatch(/enter a number 0–1/);
    await page.keyboard.press('Enter');
    expect(await entropy.inputValue()).toBe('0.01');
    expect(await fieldMessage(page, 'Entropy')).toBe('Not a number: Entropy takes a number 0–1. Kept 0.01.');

    // A value the field takes is kept (and drafted); typing again clears the refusal.
    await lr.fill('0.0005');
    await lr.press('Tab');
    expect(await lr.inputValue()).toBe('0.0005');
    expect(await fieldMessage(page, 'Learning rate')).toMatch(/^default 0.0003/);
    await reload(page, baseUrl);
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    expect(await page.getByRole('spinbutton', { name: 'Learning rate', exact: true }).inputValue()).toBe('0.0005');
    expect(await page.getByRole('spinbutton', { name: 'Entropy', exact: true }).inputValue()).toBe('0.01');
  });

  it("does not override what a class link sets: the link's track wins over the drafted one, the drafted reward stays", async () => {
    const page = await draftingPage();
    await setRewardCode(page, JS_REWARD, 'javascript');
    await page.getByRole('tab', { name: 'Track' }).click();
    await page.getByRole('radio', { name: /^Oval Track/ }).check();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('raceline.studio-draft') ?? '')).toContain('Oval_track');
    const link = encodeClassLink({ name: 'Draft class', lessons: ['you-are-the-agent'], track: 'Bowtie_track', event: { ...defaultEvent('Bowtie_track'), name: 'Draft class race' } });
    await page.goto('about:blank'); // the link opens as a new page load (a same-page hash change would not reload)
    await page.goto(`${baseUrl.replace(/\/$/, '')}/${link}`);
    await page.locator('[data-testid=train]:enabled').waitFor({ timeout: 60_000 });
    await page.getByTestId('lesson-panel').getByTestId('class-name').waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: 'Track' }).click();
    await expect.poll(() => page.locator('input[type=radio][value=Bowtie_track]').isChecked()).toBe(true);
    await page.getByRole('tab', { name: 'Reward' }).click();
    await expect.poll(() => page.getByLabel('Reward function (JavaScript)').textContent(), { timeout: 30_000 }).toContain('// drafted, never trained');
    // The track the link chose is what a reload keeps from now on.
    await reload(page, baseUrl);
    await page.getByRole('tab', { name: 'Track' }).click();
    expect(await page.locator('input[type=radio][value=Bowtie_track]').isChecked()).toBe(true);
  });

  it('shows the charts and data table of the last run after a reload, for a run that ended normally', async () => {
    const session = await openBrowser(); // a fresh profile: the defaults, no draft
    sessions.push(session);
    const { page } = session;
    await openStudio(page, baseUrl);
    await page.getByLabel('Model name').fill('charted-car');
    await page.getByTestId('train').click();
    await expect.poll(() => page.getByTestId('iteration-summary').textContent().catch(() => ''), { timeout: 240_000, interval: 1000 }).toMatch(/Iteration [1-9]/);
    await page.getByTestId('stop').click().catch(() => {}); // the run may have stopped on a lap already
    await waitForStatus(page, /stopped|failed/, 180_000);
    expect(await page.getByTestId('status').textContent()).toMatch(/stopped/);
    await page.getByTestId('model-item').first().waitFor({ timeout: 60_000 });
    const summary = (await page.getByTestId('iteration-summary').textContent()) ?? '';
    await page.getByText('Show data as a table').click();
    const rows = page.locator('details table tbody tr');
    const before = await rows.allTextContents();
    expect(before.length).toBeGreaterThan(0);

    await reload(page, baseUrl);
    await expect.poll(() => page.getByTestId('iteration-summary').textContent().catch(() => ''), { timeout: 30_000 }).toBe(summary);
    await page.getByText('Show data as a table').click();
    expect(await rows.allTextContents()).toEqual(before);
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/.test(e))).toEqual([]);
  });
});
