import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, setRewardCode, trainUntilDone } from './studio-helpers';

// Both loop forever from the 1,500th reward call on: with the default seed that is during the second
// iteration, so one policy update exists to keep.
const JS_ENDLESS = `let calls = 0;
function reward_function(params) {
  calls += 1;
  if (calls > 1500) {
    while (true) {}
  }
  return 1.0;
}`;

const PY_ENDLESS = `calls = 0

def reward_function(params):
    global calls
    calls += 1
    if calls > 1500:
        while True:
            pass
    return 1.0
`;

describe('reward functions that never return', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowser();
    await openStudio(session.page, baseUrl);
    await session.page.getByLabel(/Stop when the car laps/).uncheck();
  });
  afterAll(async () => session?.close());

  it.each([
    ['javascript', JS_ENDLESS],
    ['python', PY_ENDLESS],
  ] as const)('an endless loop in %s is stopped at the time limit; the model trained so far is kept and the page stays usable', async (language, code) => {
    const { page } = session;
    const before = await page.getByTestId('model-item').count();
    await setRewardCode(page, code, language);
    const status = await trainUntilDone(page, 180_000);
    expect(status).toMatch(/failed/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/reward_function did not return within 2 s, Raceline's time limit for one reward call .* the model trained so far is kept/);
    await expect.poll(() => page.getByTestId('model-item').count(), { timeout: 30_000 }).toBe(before + 1);
    expect(await page.getByTestId('train').isEnabled()).toBe(true);
  });
});
