/**
 * The camera CNN's PPO update on WebGPU (Chromium's SwiftShader adapter here: correct, slow) against WASM: the same
 * seeded run, one iteration of DeepRacer's shallow CNN on the Straight track, gives finite losses, changed weights
 * and the same numbers on both backends to float32 rounding. Runs in the learner harness page (test/harness/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './browser';
import { serveHarness } from '../harness/build';
import type { CnnRunResult } from '../harness/learner-harness';

describe('camera CNN update on WebGPU and WASM (real Chromium)', () => {
  let harness: Awaited<ReturnType<typeof serveHarness>> | null = null;
  let browser: Browser | null = null;
  let page: Page;
  beforeAll(async () => {
    harness = await serveHarness();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.goto(harness.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const run = (backend: string): Promise<CnnRunResult> => page.evaluate((be) => window.ralHarness.trainCnn({ backend: be, seed: 3, iterations: 1 }), backend);

  it('trains the shallow CNN for an iteration on WebGPU with finite losses and changed weights, as WASM does to a tolerance', async () => {
    const wasm = await run('wasm');
    const webgpu = await run('webgpu');
    expect(webgpu.backend).toBe('webgpu');
    for (const r of [wasm, webgpu]) {
      expect(r.allFinite).toBe(true);
      expect(r.losses.flat().every(Number.isFinite)).toBe(true);
      expect(r.maxChange).toBeGreaterThan(1e-4); // Adam moved the weights (by up to the learning rate, 3e-4)
      expect(r.samples[0]).toBeGreaterThan(5);
    }
    // The same rollout (same seed, same initial weights) ...
    expect(webgpu.samples).toEqual(wasm.samples);
    // ... the same losses to float32 rounding: [policy loss, value loss, entropy, approx KL].
    const [pw, vw, ew] = wasm.losses[0];
    const [pg, vg, eg] = webgpu.losses[0];
    expect(Math.abs(pg - pw)).toBeLessThan(1e-5);
    expect(Math.abs(vg - vw) / Math.abs(vw)).toBeLessThan(1e-4);
    expect(Math.abs(eg - ew)).toBeLessThan(1e-5);
    // ... and the same weights: Adam's step is lr·m/(√v+ε), so a weight whose gradient is ~0 may differ by up to lr.
    let maxDiff = 0;
    let sumDiff = 0;
    wasm.finalSample.forEach((w, i) => {
      const d = Math.abs(w - webgpu.finalSample[i]);
      maxDiff = Math.max(maxDiff, d);
      sumDiff += d;
    });
    expect(maxDiff).toBeLessThan(6e-4);
    expect(sumDiff / wasm.finalSample.length).toBeLessThan(1e-6);
    console.log(`shallow CNN, one iteration of ${wasm.samples[0]} samples: value loss wasm ${vw.toFixed(6)} webgpu ${vg.toFixed(6)}; weights (every 101st of ${'11.5 M'}): max |Δ| ${maxDiff.toExponential(2)}, mean |Δ| ${(sumDiff / wasm.finalSample.length).toExponential(2)}`);
  });
});
