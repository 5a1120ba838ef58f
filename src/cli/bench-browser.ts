/**
 * Browser figures for `npm run bench`: builds the site, serves it with `vite preview`, opens the
 * studio in headless Chromium (Debian's /usr/bin/chromium via playwright-core) and measures, with
 * the defaults (re:Invent 2018, follow the centre line, stop on lap), the time from pressing Train to
 * the first evaluation in which every trial laps; and training throughput with the same reward
 * function (follow the centre line) in JavaScript and in Python, both running in the reward sandbox; and the main
 * thread's long tasks (over 50 ms, the Long Tasks API) during 60 s of training (`browser-long-tasks`).
 * Prints JSON lines; dev-only (needs devDependencies).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './run-tool';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'];

type Page = import('playwright-core').Page;

/** Training seconds and env steps from the studio's iteration summary. */
async function iterationSummary(page: Page): Promise<{ iterations: number; seconds: number; steps: number } | null> {
  const m = /Iteration (\d+) · (\d+) s · ([\d,]+) steps/.exec((await page.getByTestId('iteration-summary').textContent()) ?? '');
  return m ? { iterations: Number(m[1]), seconds: Number(m[2]), steps: Number(m[3].replace(/,/g, '')) } : null;
}

/**
 * Trains for `seconds` with DeepRacer's "follow the centre line" in `language` (stop-on-lap off) and
 * reports training env steps per second, as the studio counts them (pauses and start-up excluded).
 */
async function trainingThroughput(page: Page, language: 'javascript' | 'python', seconds: number): Promise<{ stepsPerS: number; steps: number; trainingSeconds: number } | null> {
  const name = language === 'python' ? 'Python' : 'JavaScript';
  await page.getByRole('tab', { name: 'Reward' }).click();
  const radio = page.getByRole('radio', { name, exact: true });
  if (!(await radio.isChecked())) {
    page.once('dialog', (d) => void d.accept());
    await radio.check();
  }
  await page.getByLabel('Start from an example').selectOption({ label: 'Follow the centre line' });
  await page.getByLabel(/Stop when the car laps/).uncheck();
  await page.getByTestId('train').click();
  await page.waitForFunction(() => /running/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 120_000, polling: 100 });
  await page.waitForTimeout(seconds * 1000);
  await page.getByTestId('stop').click();
  await page.waitForFunction(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 60_000, polling: 100 });
  const s = await iterationSummary(page);
  return s && s.seconds > 0 ? { stepsPerS: Math.round(s.steps / s.seconds), steps: s.steps, trainingSeconds: s.seconds } : null;
}

/**
 * Measures `runs` trainings, each in a fresh browser profile.
 * @param only 'long-tasks': only the long-task measurement.
 */
export async function benchBrowser(runs: number, emit: (o: Record<string, unknown>) => void, only: 'long-tasks' | null = null): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    emit({ bench: 'browser-time-to-lap', available: false, reason: `no Chromium at ${CHROMIUM}` });
    return;
  }
  const { build, preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  await build({ root: REPO, logLevel: 'silent' });
  const server = await preview({ root: REPO, logLevel: 'silent', preview: { host: '127.0.0.1', port: 4318 } });
  const url = server.resolvedUrls?.local[0];
  try {
    /** Runs `fn` on the studio in a fresh browser profile. */
    const withStudio = async (fn: (page: Page) => Promise<void>, init?: () => void): Promise<void> => {
      const profile = mkdtempSync(join(tmpdir(), 'raceline-bench-'));
      const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 720 } });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        if (init) await page.addInitScript(init);
        await page.goto(url!);
        await page.getByTestId('train').waitFor();
        await fn(page);
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    };
    // Long tasks on the main thread during 60 s of training with DeepRacer's defaults (JavaScript reward, the
    // studio's track view, charts, autosaves and logs all on).
    await withStudio(
      async (page) => {
        await page.waitForTimeout(1000); // start-up work is not training's
        const before = await page.evaluate(() => performance.now());
        const throughput = await trainingThroughput(page, 'javascript', 60);
        const tasks = await page.evaluate((t) => (window as unknown as { __longTasks: number[][] }).__longTasks.filter(([start]) => start >= t), before);
        const durations = tasks.map(([, d]) => d).sort((a, b) => b - a);
        emit({
          bench: 'browser-long-tasks',
          trainingSeconds: throughput?.trainingSeconds ?? null,
          envStepsPerSecond: throughput?.stepsPerS ?? null,
          longTasksOver50Ms: durations.length,
          longestMs: durations[0] ?? 0,
          longestTen: durations.slice(0, 10).map((d) => Math.round(d)),
        });
      },
      () => {
        const w = window as unknown as { __longTasks: number[][] };
        w.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration]);
        }).observe({ type: 'longtask', buffered: true });
      },
    );
    if (only === 'long-tasks') return;
    for (let run = 1; run <= runs; run++) {
      await withStudio(async (page) => {
        const t0 = Date.now();
        await page.getByTestId('train').click();
        await page.waitForFunction(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 600_000, polling: 100 });
        const wallS = (Date.now() - t0) / 1000;
        const evaluation = (await page.getByTestId('training-evaluation').textContent().catch(() => '')) ?? '';
        const backend = (await page.getByTestId('status').textContent()) ?? '';
        await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
        const lapTimes = (await page.getByTestId('lap-time').allTextContents()).map((t) => Number.parseFloat(t));
        const m = await iterationSummary(page);
        emit({
          bench: 'browser-time-to-lap',
          run,
          track: 'reinvent_base',
          lapped: /3 of 3 trials lapped/.test(evaluation),
          secondsFromTrainClick: +wallS.toFixed(1),
          trainingSeconds: m?.seconds ?? null,
          iterations: m?.iterations ?? null,
          envSteps: m?.steps ?? null,
          learner: /learner on (\w+)/.exec(backend)?.[1] ?? null,
          lapTimesS: lapTimes,
        });
      });
    }
    for (let run = 1; run <= Math.min(runs, 2); run++) {
      await withStudio(async (page) => {
        const js = await trainingThroughput(page, 'javascript', 30);
        const python = await trainingThroughput(page, 'python', 30);
        emit({
          bench: 'browser-reward-language',
          run,
          reward: 'follow the centre line',
          javascriptStepsPerS: js?.stepsPerS ?? null,
          pythonStepsPerS: python?.stepsPerS ?? null,
          pythonSlowdown: js && python ? +(js.stepsPerS / python.stepsPerS).toFixed(2) : null,
        });
      });
    }
  } finally {
    await server.close();
  }
}
