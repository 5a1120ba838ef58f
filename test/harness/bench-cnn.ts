/**
 * `npm run bench`'s CNN figures: PPO update samples per second of DeepRacer's shallow camera CNN (one epoch over 64
 * camera observations in minibatches of 64, after a warm-up update) on each tfjs backend headless Chromium offers
 * here: WebGPU (on a GPU, or Chromium's SwiftShader adapter), WebGL, WASM and CPU. Runs in the learner harness page
 * (`test/harness/`), built apart from the site. Dev-only (needs devDependencies).
 *
 * A script beside the harness it drives: `src/cli/bench.ts` runs it as a child process (`tsx test/harness/bench-cnn.ts`)
 * and its JSON lines go straight to the bench's output, because src/ never imports test/ (.dependency-cruiser.cjs).
 */
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--enable-unsafe-webgpu'];

/** Samples per update, by backend (tfjs-cpu's convolution gradients are slow: fewer samples). */
const SAMPLES: Record<string, number> = { webgpu: 64, webgl: 64, wasm: 64, cpu: 16 };

/** Emits one `{bench: 'cnn-update', backend, ...}` line per backend (or `available: false` with the reason). */
export async function benchCnnUpdates(emit: (o: Record<string, unknown>) => void): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    emit({ bench: 'cnn-update', available: false, reason: `no Chromium at ${CHROMIUM}` });
    return;
  }
  const { serveHarness } = await import('./build');
  const { chromium } = await import('playwright-core');
  const harness = await serveHarness(4328);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(harness.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }).gpu;
      const a = await gpu?.requestAdapter();
      return a ? [a.info?.vendor, a.info?.architecture, a.info?.description].filter(Boolean).join(' ') || 'unnamed adapter' : null;
    });
    for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
      try {
        const r = await page.evaluate(([b, n]) => window.ralHarness.benchUpdate(b, n), [backend, SAMPLES[backend]] as const);
        emit({ bench: 'cnn-update', network: 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW', backend, ...(backend === 'webgpu' ? { adapter } : {}), samples: SAMPLES[backend], samplesPerSecond: +r.samplesPerS.toFixed(1), msPerUpdate: Math.round(r.msPerUpdate) });
      } catch (e) {
        emit({ bench: 'cnn-update', backend, available: false, reason: (e as Error).message.split('\n')[0] });
      }
    }
  } finally {
    await browser.close();
    await harness.close();
  }
}

benchCnnUpdates((o) => console.log(JSON.stringify(o))).catch((e: unknown) => {
  console.error(`bench-cnn: ${(e as Error).message}`);
  process.exit(1);
});
