import type { Dialog } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, setRewardCode, trainUntilDone } from './studio-helpers';

const PY_SYNTAX_ERROR = `def reward_function(params):
    reward = 1.0
    if params['progress'] > 10
        reward = 2.0
    return float(reward)
`;

const PY_PRINTS = `def reward_function(params):
    if params['steps'] == 5:
        print('hello from python, progress', round(params['progress'], 2))
    return 1.0
`;

describe('Python reward functions in the studio (real Chromium, built site, Pyodide served by the site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession;
  /** Requests for anything outside the site (Pyodide must come from the site, never a CDN). */
  const outside: string[] = [];
  const pyodideFiles = new Set<string>();
  beforeAll(async () => {
    session = await openBrowser();
    const origin = new URL(baseUrl).origin;
    session.page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
      const m = /\/pyodide\/([^/?]+)$/.exec(u);
      if (m) pyodideFiles.add(m[1]);
    });
    await openStudio(session.page, baseUrl);
  });
  afterAll(async () => session?.close());

  it('checks and trains the default Python reward until 3 of 3 evaluation laps and keeps the model as Python', async () => {
    const { page } = session;
    await page.getByRole('tab', { name: 'Reward' }).click();
    expect(await page.getByRole('radio', { name: 'Python', exact: true }).isChecked()).toBe(true);
    await expect.poll(() => page.getByLabel('Reward function (Python)').textContent()).toContain('def reward_function(params):');

    // The check runs the Python code on the sample states in a worker.
    await page.getByRole('button', { name: 'Check reward function' }).click();
    await page.getByText('Loading Python…').waitFor({ timeout: 10_000 });
    const centre = page.getByRole('row', { name: /On the centre line/ });
    await centre.waitFor({ timeout: 30_000 });
    expect(await centre.textContent()).toMatch(/1$/);
    expect(await page.getByRole('row', { name: /All wheels off the track/ }).textContent()).toMatch(/0\.001$/);

    await page.getByLabel('Model name').fill('python-model');
    const status = await trainUntilDone(page);
    expect(status).toMatch(/stopped/);
    expect(await page.getByTestId('training-evaluation').textContent()).toMatch(/3 of 3 trials lapped/);
    const log = (await page.getByTestId('training-log').textContent()) ?? '';
    expect(log).toMatch(/Python reward function ready in [\d.]+ s/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/"python-model" saved: training ended because it completed a lap/);
    const item = page.getByTestId('model-item').filter({ hasText: 'python-model' });
    expect(await item.textContent()).toMatch(/Python reward/);
    await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });

    expect(outside).toEqual([]);
    expect([...pyodideFiles].sort()).toEqual(['pyodide-lock.json', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'pyodide.mjs', 'python_stdlib.zip']);
  });

  it('switching language offers the same example in the other language, and asks before discarding edits', async () => {
    const { page } = session;
    await page.getByRole('tab', { name: 'Reward' }).click();
    const template = page.getByLabel('Start from an example');
    await template.selectOption({ label: 'Prevent zig-zag' });
    await expect.poll(() => page.getByLabel('Reward function (Python)').textContent()).toContain('def reward_function(params):');

    // Unedited: the JavaScript version of the same example, no question asked.
    let asked = 0;
    const dismiss = (d: Dialog) => void (asked++, d.dismiss());
    page.on('dialog', dismiss);
    await page.getByRole('radio', { name: 'JavaScript', exact: true }).check();
    const js = page.getByLabel('Reward function (JavaScript)');
    await expect.poll(() => js.textContent()).toContain('function reward_function(params) {');
    expect(await template.inputValue()).toBe('prevent-zig-zag');
    expect(asked).toBe(0);

    // Edited, and the question dismissed: code and language stay.
    await js.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n// my change');
    await page.getByRole('radio', { name: 'Python', exact: true }).click();
    await expect.poll(() => asked).toBe(1);
    expect(await page.getByRole('radio', { name: 'JavaScript', exact: true }).isChecked()).toBe(true);
    expect(await js.textContent()).toContain('// my change');
    page.off('dialog', dismiss);

    // Accepted: the Python version of the example last chosen replaces the edited code.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('radio', { name: 'Python', exact: true }).click();
    await expect.poll(() => template.inputValue()).toBe('prevent-zig-zag-py');
    expect(await page.getByLabel('Reward function (Python)').textContent()).not.toContain('// my change');
  });

  it('a Python syntax error is shown with its line by the check and stops training with the line in the notice', async () => {
    const { page } = session;
    await page.getByLabel('Model name').fill('');
    await setRewardCode(page, PY_SYNTAX_ERROR, 'python');
    await page.getByRole('button', { name: 'Check reward function' }).click();
    await page.getByRole('button', { name: 'Go to line 3' }).waitFor({ timeout: 30_000 });

    const status = await trainUntilDone(page, 120_000);
    expect(status).toMatch(/failed/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/line 3\b.*[Ss]yntax/);
    expect(await page.getByTestId('train').isEnabled()).toBe(true);
  });

  it('what the reward function prints appears in the training log', async () => {
    const { page } = session;
    await setRewardCode(page, PY_PRINTS, 'python');
    await page.getByLabel(/Stop when the car laps/).uncheck();
    await page.getByTestId('train').click();
    const log = page.getByTestId('training-log');
    await expect.poll(() => log.textContent(), { timeout: 120_000, interval: 250 }).toMatch(/hello from python, progress \d/);
    await page.getByTestId('stop').click();
    await page.waitForFunction(() => /stopped/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(session.errors.filter((e) => !/GL Driver|GPU stall/.test(e))).toEqual([]);
  });
});
