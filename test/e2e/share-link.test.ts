import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { evaluationLapTimes, openStudio } from './studio-helpers';
import { fixtureZip, importFiles } from './garage-helpers';
import { decodeShareLink, encodeShareLink, MAX_LINK_CHARS } from '../../src/share/link-codec';

describe('share links (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  const sessions: BrowserSession[] = [];
  let zipPath = '';
  afterAll(async () => {
    for (const s of sessions) await s.close();
    if (zipPath) rmSync(dirname(zipPath), { recursive: true, force: true });
  });

  it('shares a model by link; a fresh profile sees what it holds, runs nothing before Accept, and reproduces the claimed lap times', async () => {
    // 1. Maker: a model in the garage (the fixture model, imported from its zip), shared by link.
    const maker = await openBrowser();
    sessions.push(maker);
    await openStudio(maker.page, baseUrl);
    zipPath = await fixtureZip('Shared car');
    await importFiles(maker.page, zipPath);
    await maker.page.getByTestId('model-item').first().waitFor({ timeout: 30_000 });
    await maker.page.getByRole('button', { name: 'Share link for Shared car' }).click();
    await maker.page.getByTestId('share-link').or(maker.page.getByTestId('share-error')).waitFor({ timeout: 120_000 });
    const url = await maker.page.getByTestId('share-link').inputValue();
    const info = (await maker.page.getByTestId('share-info').textContent()) ?? '';
    expect(url.startsWith(`${baseUrl.replace(/\/$/, '')}/#m1.`)).toBe(true);
    expect(url.split('#')[1].length).toBeLessThanOrEqual(MAX_LINK_CHARS);
    expect(info).toMatch(/^[\d,]+ characters \(links hold at most 65,536\), (8-bit weights: they drive exactly as the float32 ones|float32 weights: 8-bit weights would change the result)/);
    const pkg = await decodeShareLink(url);
    expect(pkg.name).toBe('Shared car');
    const claimed = pkg.evaluation!.trials.map((t) => (t.lapTimeS === null ? '—' : `${t.lapTimeS.toFixed(2)} s`));
    expect(claimed).toHaveLength(3);
    expect(await maker.page.getByTestId('share-claim').textContent()).toContain(`trial 1 ${claimed[0]}`);

    // 2. Receiver: a fresh profile opens the link.
    const receiver = await openBrowser();
    sessions.push(receiver);
    const page = receiver.page;
    const userCode: string[] = [];
    page.on('request', (r) => {
      if (/reward-sandbox\.html|pyodide/.test(r.url())) userCode.push(r.url());
    });
    await page.goto(url);
    const panel = page.getByTestId('shared-model');
    await panel.getByTestId('accept-shared').waitFor({ timeout: 60_000 });
    expect(await panel.textContent()).toContain('Shared model: Shared car');
    expect(await panel.getByTestId('shared-reward').textContent()).toBe(pkg.reward.code);
    expect(await panel.getByTestId('shared-claim').textContent()).toContain(`seed ${pkg.evaluation!.seed}: trial 1 ${claimed[0]}`);
    expect(await page.getByTestId('models').textContent()).toContain('No models yet'); // nothing saved before Accept

    // 3. Accept: saved, evaluated with the link's seed, same lap times as claimed, and no user code was loaded.
    await page.getByTestId('accept-shared').click();
    const laps = await evaluationLapTimes(page);
    expect(laps).toEqual(claimed);
    await expect.poll(() => page.getByTestId('claim-check').textContent()).toMatch(/^✓ Reproduces the result this model came with \(seed \d+, 3 trials\)/);
    await expect.poll(() => page.getByTestId('shared-saved').textContent()).toMatch(/Saved in My models\.\s*The claimed result reproduces here\./);
    expect(await page.getByTestId('model-item').count()).toBe(1);
    expect(await page.getByTestId('model-item').textContent()).toContain('from a link');
    expect(new URL(page.url()).hash).toBe(''); // a reload does not open the link again
    expect(userCode).toEqual([]);

    // 4. A link changed on the way is refused with the codec's message, and nothing is saved.
    const fragment = url.split('#')[1];
    const at = Math.floor(fragment.length / 2);
    const tampered = `${fragment.slice(0, at)}${fragment[at] === 'A' ? 'B' : 'A'}${fragment.slice(at + 1)}`;
    await page.goto(`${url.split('#')[0]}#${tampered}`);
    await expect.poll(() => page.getByTestId('shared-error').textContent(), { timeout: 30_000 }).toMatch(/^This link (was changed or damaged after it was made|is damaged)/);
    expect(await page.getByTestId('model-item').count()).toBe(1);

    // 5. A link whose claim was made up (valid link, wrong lap times) opens, but its result is flagged.
    const boasting = await encodeShareLink({
      ...pkg,
      name: 'Boasting car',
      evaluation: { ...pkg.evaluation!, trials: pkg.evaluation!.trials.map((t) => ({ ...t, lapTimeS: t.lapTimeS === null ? null : t.lapTimeS - 5 })) },
    });
    await page.goto(`${url.split('#')[0]}#${boasting}`);
    await page.getByTestId('accept-shared').click();
    await page.getByTestId('trial-row').nth(2).waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('claim-check').textContent()).toMatch(/^⚠ Does not reproduce the result this model came with \(seed \d+\): trial 1: claimed \d+\.\d\d s, got \d+\.\d\d s/);
    await expect.poll(() => page.getByTestId('shared-saved').textContent()).toMatch(/does NOT reproduce/);
    expect([...maker.errors, ...receiver.errors].filter((e) => !/GL Driver|GPU stall|webgpu|features/.test(e))).toEqual([]);
  });
});
