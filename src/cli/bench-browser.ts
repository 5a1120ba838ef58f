/**
 * Browser figures for `npm run bench`: builds the site, serves it with `vite preview`, opens the
 * studio in headless Chromium (Debian's /usr/bin/chromium via playwright-core) and measures, with
 * the defaults (re:Invent 2018, follow the centre line, stop on lap), the time from pressing Train to
 * the first evaluation in which every trial laps. Prints JSON lines; dev-only (needs devDependencies).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './run-tool';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'];

/** Measures `runs` trainings, each in a fresh browser profile. */
export async function benchBrowser(runs: number, emit: (o: Record<string, unknown>) => void): Promise<void> {
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
    for (let run = 1; run <= runs; run++) {
      const profile = mkdtempSync(join(tmpdir(), 'raceline-bench-'));
      const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 720 } });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(url!);
        await page.getByTestId('train').waitFor();
        const t0 = Date.now();
        await page.getByTestId('train').click();
        await page.waitForFunction(() => /stopped|failed/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 600_000, polling: 100 });
        const wallS = (Date.now() - t0) / 1000;
        const summary = (await page.getByTestId('iteration-summary').textContent()) ?? '';
        const evaluation = (await page.getByTestId('training-evaluation').textContent().catch(() => '')) ?? '';
        const backend = (await page.getByTestId('status').textContent()) ?? '';
        await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
        const lapTimes = (await page.getByTestId('lap-time').allTextContents()).map((t) => Number.parseFloat(t));
        const m = /Iteration (\d+) · (\d+) s · ([\d,]+) steps/.exec(summary);
        emit({
          bench: 'browser-time-to-lap',
          run,
          track: 'reinvent_base',
          lapped: /3 of 3 trials lapped/.test(evaluation),
          secondsFromTrainClick: +wallS.toFixed(1),
          trainingSeconds: m ? Number(m[2]) : null,
          iterations: m ? Number(m[1]) : null,
          envSteps: m ? Number(m[3].replace(/,/g, '')) : null,
          learner: /learner on (\w+)/.exec(backend)?.[1] ?? null,
          lapTimesS: lapTimes,
        });
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
}
