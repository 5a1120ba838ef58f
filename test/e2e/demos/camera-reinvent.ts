/**
 * Issue 5's acceptance run, by hand (it takes over an hour on a 2-core machine, so it is not part of the test
 * suite): the built site in headless Chromium, the studio set up as a user would — the front camera with
 * DeepRacer's shallow CNN, re:Invent 2018, the default reward (follow the centre line), an action space of 5
 * steering angles at 1 m/s, 20 episodes an iteration, 3 epochs, 2 cars — trained for `--minutes`. It prints each
 * iteration's summary as the page shows it (mean progress, steps, the backend the learner chose) and, last, a
 * JSON line with the mean progress of every iteration, the mean of the first and last five, and the least-squares
 * slope (percent per iteration).
 *
 *   npm run demo:camera -- [--minutes 75] [--episodes 20] [--epochs 3] [--steering 5] [--speeds 1] [--max-speed 1]
 *
 * It builds the site into a temporary folder (not `dist/`), so the browser tests can run beside it.
 */
import { build, preview } from 'vite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openBrowser } from '../browser';
import { openStudio } from '../studio-helpers';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '75' },
    episodes: { type: 'string', default: '20' },
    epochs: { type: 'string', default: '3' },
    steering: { type: 'string', default: '5' },
    speeds: { type: 'string', default: '1' },
    'max-speed': { type: 'string', default: '1' },
  },
});
const minutes = Number(args.minutes);
const root = resolve(import.meta.dirname, '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'raceline-demo-'));
await build({ root, logLevel: 'warn', build: { outDir } });
const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4391, strictPort: false } });
const session = await openBrowser();
const { page } = session;
try {
  await openStudio(page, server.resolvedUrls!.local[0]);
  await page.getByRole('radio', { name: /re:Invent 2018/ }).check();
  await page.getByRole('tab', { name: 'Sensors' }).click();
  await page.getByRole('radio', { name: /^Camera/ }).check();
  await page.getByRole('tab', { name: 'Action space' }).click();
  await page.getByLabel('Steering angle granularity').selectOption(args.steering!);
  await page.getByLabel('Speed granularity').fill(args.speeds!);
  await page.getByLabel('Maximum speed (m/s)').fill(args['max-speed']!);
  await page.getByRole('tab', { name: 'Hyperparameters' }).click();
  await page.getByLabel('Number of experience episodes between each policy-updating iteration').fill(args.episodes!);
  await page.getByLabel('Number of epochs').fill(args.epochs!);
  await page.getByLabel('Parallel cars').fill('2');
  await page.getByLabel(/Stop when the car laps/).uncheck();
  await page.getByLabel('Model name').fill('Camera on re:Invent 2018');
  await page.locator('#max-minutes').fill(String(minutes + 5));
  const t0 = Date.now();
  await page.getByTestId('train').click();
  const progress: number[] = [];
  let last = '';
  while (Date.now() - t0 < minutes * 60_000) {
    await page.waitForTimeout(5_000);
    const summary = ((await page.getByTestId('iteration-summary').textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (summary === last) continue;
    last = summary;
    const m = summary.match(/mean progress (\d+(?:\.\d+)?)%/);
    if (m) progress.push(Number(m[1]));
    console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s | ${summary} | ${(await page.getByTestId('backend').textContent().catch(() => ''))?.trim()}`);
  }
  await page.getByTestId('stop').click();
  const n = progress.length;
  const xMean = (n - 1) / 2;
  const yMean = progress.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const slope = progress.reduce((a, y, x) => a + (x - xMean) * (y - yMean), 0) / Math.max(1e-9, progress.reduce((a, _, x) => a + (x - xMean) ** 2, 0));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(JSON.stringify({ iterations: n, meanProgress: progress, firstFive: mean(progress.slice(0, 5)), lastFive: mean(progress.slice(-5)), slopePerIteration: slope, pageErrors: session.errors.length }));
} finally {
  await session.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
}
