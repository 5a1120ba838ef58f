/**
 * The words are explained where they appear (user test at 1366×768: "nats", "approx KL", "ln(10)" and the 22 bare
 * numbers of "What the car sees"): each geometry number carries its name and unit; the charts' "entropy" opens its
 * definition from the keyboard (with what ln(number of actions) is for the action space in use) and Escape closes
 * it; a lesson's [[term]] opens the same kind of popover; and axe stays clean with a popover open.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserSession } from './browser';
import { openLessons, type LessonDriver } from './lesson-helpers';
import { TRACK_GEOMETRY_LABELS, TRACK_GEOMETRY_SIZE } from '../../src/sim/observation';

const baseUrl = inject('baseUrl');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe violations of the page, one line each. */
async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResults> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Whether the popover with this id is open, and its box. */
async function popoverState(page: Page, id: string): Promise<{ open: boolean; left: number; top: number; right: number; bottom: number }> {
  return page.evaluate((pid) => {
    const el = document.getElementById(pid)!;
    const r = el.getBoundingClientRect();
    return { open: el.matches(':popover-open'), left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }, id);
}

describe('glossary and labels', () => {
  let session: BrowserSession;
  let page: Page;
  let lesson: LessonDriver;
  beforeAll(async () => {
    ({ session, page, lesson } = await openLessons(baseUrl));
    await page.setViewportSize({ width: 1366, height: 768 });
  });
  afterAll(async () => session?.close());

  it('labels every number of the track-geometry vector in "What the car sees"', async () => {
    const view = page.getByTestId('sensor-view');
    await expect.poll(() => view.getByTestId('geometry-number').count(), { timeout: 30_000 }).toBe(TRACK_GEOMETRY_SIZE);
    // One number per label of the core's list, in the vector's order.
    expect(await view.getByTestId('geometry-number').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.label))).toEqual(TRACK_GEOMETRY_LABELS.map((l) => l.name));
    // The car's own numbers: a list item each, its name then its value and unit.
    const car = TRACK_GEOMETRY_LABELS.filter((l) => !l.lookahead);
    const rows = await view.getByTestId('geometry-vector').getByTestId('geometry-number').allTextContents();
    expect(rows).toHaveLength(car.length);
    rows.forEach((row, i) => {
      const { name, unit } = car[i];
      expect(row.replace(/\s+/g, ' ').trim(), `number ${i + 1}`).toMatch(new RegExp(`^${name.replace(/[()+]/g, '\\$&')} -?\\d+(\\.\\d+)? ?${unit.replace(/[()+/]/g, '\\$&')}$`));
    });
    // The lookahead points: a table row per distance ahead, with a forward and a left column, each in metres.
    const table = view.getByRole('table', { name: /Where the centre line is ahead/ });
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Ahead along the line', 'forward', 'left']);
    const ahead = [...new Set(TRACK_GEOMETRY_LABELS.flatMap((l) => (l.lookahead ? [l.lookahead.aheadM] : [])))];
    expect(await table.getByRole('rowheader').allTextContents()).toEqual(ahead.map((d) => `${d} m`));
    for (const cell of await table.getByRole('cell').allTextContents()) expect(cell).toMatch(/^-?\d+\.\d\d m$/);
    // The first point lies 0.25 m ahead, on the line.
    expect(await table.getByRole('row', { name: /^0\.25 m/ }).textContent()).toMatch(/0\.25 m\s*0\.\d\d m\s*0\.00 m/);
    // At the start line the car stands still on the centre line, heading along it.
    expect(rows[0].replace(/\s+/g, ' ')).toMatch(/forward speed -?0\.00 m\/s/);
    if (process.env.GLOSSARY_SHOTS) await view.screenshot({ path: `${process.env.GLOSSARY_SHOTS}/sees.png` });
    expect(await page.getByTestId('sensor-description').textContent()).toMatch(/22 track-geometry numbers: forward speed -?0\.00 m\/s/);
  });

  it("opens the charts' entropy definition from the keyboard, with ln(N) for the action space, and closes it with Escape", async () => {
    const charts = page.getByRole('region', { name: 'Training charts' });
    const entropy = charts.getByRole('button', { name: 'entropy', exact: true });
    // The definition is not part of the chart titles' text; the button describes it to assistive tech.
    const titles = async (): Promise<string[]> => (await charts.locator('.title').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    const plainTitles = ['Mean reward per episode', 'Progress and completed laps', 'Policy entropy', 'Approximate KL divergence (approx KL)'];
    expect(await titles()).toEqual(plainTitles);
    expect(await entropy.getAttribute('aria-description')).toMatch(/^Entropy: How unsure the policy is about which action to pick.*ln\(\d+\)/);
    await entropy.focus();
    await page.keyboard.press('Enter');
    const id = (await entropy.getAttribute('popovertarget'))!;
    await expect.poll(async () => (await popoverState(page, id)).open).toBe(true);
    const text = (await page.locator(`[id="${id}"]`).textContent())!.replace(/\s+/g, ' ');
    expect(text).toMatch(/^ ?Entropy How unsure the policy is about which action to pick, measured in nats/);
    expect(text).toMatch(/Your action space has (\d+) actions: picking them at random gives ln\(\1\) ≈ \d\.\d\d nats/);
    const box = await popoverState(page, id);
    expect(box.top, 'the popover is on screen').toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(768);
    expect(box.right).toBeLessThanOrEqual(1366);
    if (process.env.GLOSSARY_SHOTS) await page.screenshot({ path: `${process.env.GLOSSARY_SHOTS}/entropy.png` });
    expect(await axeProblems(page), 'axe with the entropy popover open').toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await popoverState(page, id)).open).toBe(false);
    expect(await entropy.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await titles(), 'closed, the popover leaves no words in the title').toEqual(plainTitles);

    // The approx KL and nats terms are there too.
    await charts.getByRole('button', { name: 'approx KL', exact: true }).click();
    await expect.poll(() => page.locator('.term-pop:popover-open').textContent()).toMatch(/Approx KL.*how much one update changed the policy, in nats/);
    await page.keyboard.press('Escape');
  });

  it('explains each hyperparameter with a "?" button that leaves the field its own label', async () => {
    await page.getByRole('tab', { name: 'Hyperparameters' }).click();
    const rate = page.getByLabel('Learning rate');
    expect(await rate.count(), 'the label still names one field').toBe(1);
    expect(await rate.evaluate((el) => el.tagName)).toBe('INPUT');
    const help = page.getByRole('button', { name: 'What is Learning rate?' });
    await help.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.term-pop:popover-open').textContent()).toMatch(/^Learning rate How big a change each update makes/);
    if (process.env.GLOSSARY_SHOTS) await page.screenshot({ path: `${process.env.GLOSSARY_SHOTS}/hyper.png` });
    expect(await axeProblems(page), 'axe on the Hyperparameters tab with a popover open').toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.term-pop:popover-open').count()).toBe(0);
    for (const name of ['Gradient descent batch size', 'Number of epochs', 'Entropy', 'Discount factor', 'Loss type', 'Number of experience episodes between each policy-updating iteration', 'Parallel cars']) {
      expect(await page.getByRole('button', { name: `What is ${name}?` }).count(), name).toBe(1);
    }
  });

  it("opens a lesson's [[term]] as a popover", async () => {
    await lesson.openLesson('What reinforcement learning is');
    const step = lesson.panel.getByTestId('step-text');
    const term = step.getByRole('button', { name: 'state', exact: true });
    await term.click();
    const id = (await term.getAttribute('popovertarget'))!;
    await expect.poll(async () => (await popoverState(page, id)).open).toBe(true);
    expect(await page.locator(`[id="${id}"]`).textContent()).toMatch(/^Observation What the car senses at one step/);
    if (process.env.GLOSSARY_SHOTS) await page.screenshot({ path: `${process.env.GLOSSARY_SHOTS}/lesson.png` });
    expect(await axeProblems(page), 'axe with a lesson popover open').toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await popoverState(page, id)).open).toBe(false);
  });
});
