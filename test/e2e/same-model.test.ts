/**
 * One PPO loop: the studio (built site, headless Chromium, its sim worker and learner worker) and the trainer
 * `npm run train` uses (Node, in-process) train 3 iterations with the same seed and settings, and end with the
 * same weights. The studio runs as a user sets it up: the JavaScript "follow the centre line" reward, stop after 3
 * iterations, "Reproducible run" (one sim worker, the WASM learner). Node reads the settings the run recorded.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, setRewardCode, trainUntilDone } from './studio-helpers';
import { DEFAULT_JS_REWARD } from '../../src/reward/examples';
import { compileJsReward } from '../../src/reward/js-reward';
import { loadTrack } from '../../src/track/node/track-files';
import { RacingVectorEnv } from '../../src/sim/racing-env';
import type { ActionSpace } from '../../src/sim/action-space';
import { selectBackend } from '../../src/rl/backend';
import { PpoTrainer } from '../../src/rl/ppo';
import type { PpoConfig } from '../../src/rl/config';

const baseUrl = inject('baseUrl');
let session: BrowserSession;

/** What the studio's run recorded, read from the page's IndexedDB. */
interface Recorded {
  ppo: PpoConfig;
  actionSpace: ActionSpace;
  track: string;
  weights: number[];
}

describe('the studio and npm run train run one PPO loop', () => {
  beforeAll(async () => {
    session = await openBrowser();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('gives the same weights after 3 iterations with the same seed in Chromium and in Node', async () => {
    const { page } = session;
    await openStudio(page, baseUrl);
    await setRewardCode(page, DEFAULT_JS_REWARD.code, 'javascript');
    await page.getByRole('tab', { name: 'Training' }).click().catch(() => {}); // the controls may sit outside tabs
    await page.getByLabel('Stop after iterations (blank: no limit)').fill('3');
    await page.getByLabel('Stop after iterations (blank: no limit)').blur();
    await page.getByLabel('Stop when the car laps in evaluation (3 of 3 trials)').uncheck();
    await page.getByLabel('Reproducible run').check();
    const status = await trainUntilDone(page);
    expect(status).toMatch(/stopped/);
    expect(await page.getByTestId('backend').textContent()).toMatch(/wasm .*1 sim worker\b/);

    const recorded: Recorded = await page.evaluate(
      () =>
        new Promise<Recorded>((resolve, reject) => {
          const open = indexedDB.open('raceline');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(['runs', 'weights', 'models'], 'readonly');
            const all = <T,>(store: string) =>
              new Promise<T[]>((ok, no) => {
                const r = tx.objectStore(store).getAll();
                r.onsuccess = () => ok(r.result as T[]);
                r.onerror = () => no(r.error);
              });
            void Promise.all([all<{ config: { ppo: PpoConfig; actionSpace: ActionSpace } }>('runs'), all<{ data: ArrayBuffer }>('weights'), all<{ track: string }>('models')]).then(
              ([runs, weights, models]) => {
                if (runs.length !== 1 || weights.length !== 1) reject(new Error(`expected one run and one model, found ${runs.length} and ${weights.length}`));
                else resolve({ ppo: runs[0].config.ppo, actionSpace: runs[0].config.actionSpace, track: models[0].track, weights: Array.from(new Float32Array(weights[0].data)) });
              },
              reject,
            );
          };
        }),
    );

    await selectBackend({ preferred: ['wasm'], measure: false });
    const env = new RacingVectorEnv({ track: loadTrack(recorded.track), actionSpace: recorded.actionSpace, reward: compileJsReward(DEFAULT_JS_REWARD.code), numEnvs: recorded.ppo.numEnvs });
    const trainer = new PpoTrainer(env, recorded.ppo);
    await trainer.init();
    for (let i = 0; i < 3; i++) await trainer.iteration();
    const node = await trainer.policy.network.getFlatWeights();
    trainer.dispose();

    expect(recorded.weights.length).toBe(node.length);
    let maxDiff = 0;
    for (let i = 0; i < node.length; i++) maxDiff = Math.max(maxDiff, Math.abs(node[i] - recorded.weights[i]));
    console.log(`same seed, Node vs Chromium after 3 iterations: ${node.length} weights, largest difference ${maxDiff}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  });
});
