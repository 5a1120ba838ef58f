import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { evaluationLapTimes, openStudio, setRewardCode, trainUntilDone } from './studio-helpers';

const SYNTAX_ERROR = `function reward_function(params) {
  const r = 1.0;
  if (params.progress > 10 {
    return r;
  }
  return r;
}`;

const THROWS_AT_STEP_40 = `function reward_function(params) {
  if (params.steps === 40) {
    throw new Error('no reward at step 40');
  }
  return 1.0;
}`;

const RETURNS_NAN = `function reward_function(params) {
  const wrong = params.distance_from_center * undefined;
  return wrong;
}`;

/** Code that throws outside any call (an uncaught error in a timer, in the sandbox worker). */
const CRASHES_WORKER = `setTimeout(() => { throw new Error('simulated crash'); }, 500);
function reward_function(params) {
  return 1.0;
}`;

describe('broken reward functions in the studio', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession;
  let goodModel = '';
  let goodLapTimes: string[] = [];
  beforeAll(async () => {
    session = await openBrowser();
    const { page } = session;
    await openStudio(page, baseUrl);
    await page.getByLabel('Model name').fill('good-model');
    // A good model first: it must survive every failure below.
    await trainUntilDone(page);
    goodLapTimes = await evaluationLapTimes(page);
    goodModel = 'good-model';
  });
  afterAll(async () => session?.close());

  it.each([
    ['a syntax error', SYNTAX_ERROR, /reward_function line 3: syntax error/],
    ['an error thrown on step 40', THROWS_AT_STEP_40, /reward_function line 3: Error: no reward at step 40/],
    ['a NaN reward', RETURNS_NAN, /returned NaN at step \d+; DeepRacer stops training on NaN rewards/],
    ['an uncaught error outside a call', CRASHES_WORKER, /the reward code raised an error outside reward_function \(.*simulated crash\)/],
  ])('%s stops training with the message and line, and the saved model stays intact', async (_name, code, message) => {
    const { page } = session;
    await page.getByLabel('Model name').fill('');
    await setRewardCode(page, code);
    const status = await trainUntilDone(page, 120_000);
    expect(status).toMatch(/failed/);
    expect(await page.getByTestId('notice').textContent()).toMatch(message);
    // The page stays usable and the earlier model is intact: it evaluates to the same lap times.
    expect(await page.getByTestId('train').isEnabled()).toBe(true);
    await page.getByRole('button', { name: `Evaluate ${goodModel}` }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=evaluation]')?.textContent?.includes('Evaluating'), null, { timeout: 120_000 });
    expect(await evaluationLapTimes(page)).toEqual(goodLapTimes);
  });
});
