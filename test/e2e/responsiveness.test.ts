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
    const trainStart = await page.evaluate(() => performance.now());
    await trainUntilDone(page);
    const trainEnd = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
    const during = tasks.filter((t) => t.start >= trainStart && t.start <= trainEnd);
    expect(trainEnd - trainStart).toBeGreaterThan(2000);
    expect(during.filter((t) => t.duration > 200)).toEqual([]);
  });
});
