import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { download, fixtureModelFiles } from './garage-helpers';
import { fromModelFiles, type ModelPackage } from '../../src/share/model-package';
import { decodeShareLink, encodeShareLink } from '../../src/share/link-codec';
import { ActorCriticNetwork } from '../../src/rl/networks';
import { ActorCritic } from '../../src/rl/policy';
import { runEntry } from '../../src/race/race';
import { defaultEvent, LEADERBOARD_COLUMNS, leaderboardCsv, rankEntries } from '../../src/race/rules';
import { Rng } from '../../src/sim/rng';
import type { SensorName } from '../../src/sim/observation';
import { shippedTrack } from '../helpers/tracks';
import { initTf } from '../helpers/tf';

/**
 * A class race from share links: three models (the fixture model, its 8-bit-weights link, and a copy with seeded
 * noise in its weights) plus one damaged link. The page must list the damaged one with its reason, race the three
 * in its race workers, rank them as Node ranks the same event (races are deterministic), export that leaderboard
 * as CSV, and make a link that reproduces the event.
 */
describe('race event (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession | null = null;
  const links: string[] = [];
  let expectedCsv = '';
  const event = { ...defaultEvent('reinvent_base'), name: 'Class race', seed: 7 };

  beforeAll(async () => {
    const base = await fromModelFiles(fixtureModelFiles());
    const rng = new Rng(3);
    const noisy = base.weights.map((w) => w + 0.02 * rng.normal());
    const packages: ModelPackage[] = [
      { ...base, name: 'Ada' },
      { ...base, name: 'Bo' }, // shared with 8-bit weights below
      { ...base, name: 'Cy', weights: Float32Array.from(noisy) },
    ];
    links.push(await encodeShareLink(packages[0]), await encodeShareLink(packages[1], { quantize: true }), await encodeShareLink(packages[2]));
    // What the receiver gets (Bo's weights come back dequantised), raced here in Node with the same event.
    await initTf();
    const track = shippedTrack('reinvent_base');
    const entries = [];
    for (const link of links) {
      const pkg = await decodeShareLink(link);
      const policy = new ActorCritic(ActorCriticNetwork.fromSerialized({ spec: pkg.network as never, weightData: pkg.weights.slice().buffer }));
      const run = await runEntry(event, track, { name: pkg.name, policy, actionSpace: pkg.actionSpace, sensors: pkg.sensors as SensorName[] }, { trace: false });
      policy.dispose();
      entries.push({ name: pkg.name, outcome: run.outcome });
    }
    expectedCsv = leaderboardCsv(rankEntries(entries, event.rules));
  });

  afterAll(async () => {
    await session?.close();
  });

  it('ranks three share-link entries as Node does, lists a damaged link with its reason, exports CSV and an event link that reproduces it', async () => {
    session = await openBrowser();
    const page = session.page;
    await page.goto(baseUrl);
    await page.getByTestId('nav-race').click();
    await page.getByTestId('race-links').waitFor({ timeout: 60_000 });
    await page.getByTestId('race-name').fill(event.name);
    await page.getByTestId('race-seed').fill(String(event.seed));
    // Three good links as a user pastes them (whole URLs), and one cut short.
    const pasted = [...links.map((l) => `${baseUrl}#${l}`), `${baseUrl}#${links[0].slice(0, 200)}`].join('\n');
    await page.getByTestId('race-links').fill(pasted);
    await page.getByTestId('race-add-links').click();
    await expect.poll(() => page.getByTestId('race-entry').count(), { timeout: 30_000 }).toBe(4);
    const bad = page.getByTestId('race-entry').nth(3);
    expect(await bad.textContent()).toMatch(/cannot race: .*cut short|damaged/);

    await page.getByTestId('race-run').click();
    await page.getByTestId('leaderboard').waitFor({ timeout: 300_000 });
    const rows = await page.getByTestId('leaderboard-row').allTextContents();
    expect(rows).toHaveLength(3);
    const failed = await page.getByTestId('leaderboard-failed').allTextContents();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/Link 4.*Could not race: /);

    // The page's CSV equals the leaderboard Node computed for the same event and models, the damaged link appended.
    const { bytes, download: d } = await download(page, () => page.getByTestId('race-csv').click());
    expect(d.suggestedFilename()).toBe('Class_race-leaderboard.csv');
    const csv = new TextDecoder().decode(bytes);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(LEADERBOARD_COLUMNS.join(','));
    expect(lines.slice(0, 4).join('\n') + '\n').toBe(expectedCsv);
    expect(lines[4]).toMatch(/^,Link 4,,0,,,0,0,0,"?failed: /);
    // The on-screen order is the CSV's order.
    const names = expectedCsv.trimEnd().split('\n').slice(1).map((l) => l.split(',')[1]);
    rows.forEach((r, i) => expect(r).toContain(names[i]));

    // Replay the winner on the track view (it animates without errors).
    await page.getByRole('button', { name: `Replay ${names[0]}` }).click();
    await page.waitForTimeout(500);

    // The event link opens the same event with the same entries in a fresh page and gives the same CSV.
    await page.getByTestId('race-make-link').click();
    const eventLink = await page.getByTestId('race-link').inputValue();
    expect(eventLink).toMatch(/#\/race\/r1\./);
    const second = await session.context.newPage();
    await second.goto(eventLink);
    await expect.poll(() => second.getByTestId('race-entry').count(), { timeout: 60_000 }).toBe(3);
    expect(await second.getByTestId('race-name').inputValue()).toBe(event.name);
    await second.getByTestId('race-run').click();
    await second.getByTestId('leaderboard').waitFor({ timeout: 300_000 });
    const again = await download(second, () => second.getByTestId('race-csv').click());
    expect(new TextDecoder().decode(again.bytes)).toBe(expectedCsv);
    expect(session.errors).toEqual([]);
  });
});
