import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, trainUntilDone } from './studio-helpers';

describe('main thread during training', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  afterAll(async () => session?.close());

  it('has no long task over 200 ms while training runs (simulation and learning run in workers)', async () => {
    session = await openBrowser();
    const { page } = session;
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await openStudio(page, baseUrl);
    // Let start-up work (parsing, first render) finish before training begins.
    await page.waitForTimeout(1000);
    // Training ends when the status first leaves "running" (saving the model and evaluating it come after).
    await page.evaluate(() => {
      const w = window as unknown as { __trainEnd: number | null };
      w.__trainEnd = null;
      const status = document.querySelector('[data-testid=status]')!;
      new MutationObserver(() => {
        if (w.__trainEnd === null && /saving|stopping|stopped|failed/.test(status.textContent ?? '')) w.__trainEnd = performance.now();
      }).observe(status, { subtree: true, childList: true, characterData: true });
    });
    const trainStart = await page.evaluate(() => performance.now());
    await trainUntilDone(page);
    const trainEnd = await page.evaluate(() => (window as unknown as { __trainEnd: number }).__trainEnd);
    const tasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
    const during = tasks.filter((t) => t.start >= trainStart && t.start <= trainEnd);
    expect(trainEnd - trainStart).toBeGreaterThan(2000);
    expect(during.filter((t) => t.duration > 200)).toEqual([]);
  });
});
