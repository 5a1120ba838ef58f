/**
 * `npm run bench`: prints performance figures as JSON lines (one per measurement). Figures, not
 * assertions: tests never time anything. Measures
 *  - simulator steps per second (physics + params + reward + observation), one env and a vector of 16;
 *  - batched policy forward time per step for 8 and 16 cars, per tfjs backend;
 *  - PPO update throughput (gradient samples per second) with DeepRacer's defaults, per backend;
 *  - end-to-end training env steps per second with DeepRacer's defaults (8 cars, 20 episodes an iteration, 10
 *    epochs), headless, and the share of the time spent simulating, acting and updating (`training`);
 *  - Python vs JavaScript reward: simulator and training steps/s with the same reward function;
 *  - time to first laps: `train --stop-on-lap` on re:Invent 2018 for seeds 1, 2, 3 (skip with --quick);
 *  - the same in the studio in headless Chromium, 3 runs (`bench-browser.ts`; skip with --quick or --no-browser);
 *  - camera and LiDAR env steps per second (8 cars); the shallow CNN's PPO update samples per second on each tfjs
 *    backend headless Chromium has (`test/harness/bench-cnn.ts`, in the learner harness page, run as a child process;
 *    skip with --quick or --no-browser).
 * Flags: --quick (skip the time-to-lap runs), --no-browser, --seconds N (duration of each timed loop, default 3),
 * --only training (just the end-to-end training figure), --only long-tasks (just the browser's long tasks).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { parseArgs } from './args';
import { loadTrack } from '../track/node/track-files';
import { RacingVectorEnv } from '../sim/racing-env';
import { defaultActionSpace } from '../sim/action-space';
import { compileJsReward } from '../reward/js-reward';
import { DEFAULT_JS_REWARD, templatesFor } from '../reward/examples';
import { compileRewardFunction, type RewardLanguage } from '../reward/compile';
import { Rng } from '../sim/rng';
import { selectBackend } from '../rl/backend';
import { PpoTrainer } from '../rl/ppo';
import { ActorCritic } from '../rl/policy';
import { lastJsonLine, REPO, runTool } from './run-tool';
import { benchBrowser } from './bench-browser';
import type { SensorName } from '../sim/observation';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.seconds ?? 3);
const emit = (o: Record<string, unknown>): void => console.log(JSON.stringify(o));

function benchSim(numEnvs: number, sensors: SensorName[] = ['TRACK_GEOMETRY']): void {
  const track = loadTrack('reinvent_base');
  const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward: compileJsReward(DEFAULT_JS_REWARD.code), numEnvs, sensors });
  env.reset({ seed: 1 });
  const rng = new Rng(1);
  const actions = new Int32Array(numEnvs);
  const run = (ms: number): number => {
    const t0 = performance.now();
    let steps = 0;
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < numEnvs; i++) actions[i] = rng.int(actions.length === 0 ? 1 : 10);
      env.step(actions);
      steps += numEnvs;
    }
    return steps / ((performance.now() - t0) / 1000);
  };
  run(500); // warm up the JIT
  emit({ bench: 'sim', track: 'reinvent_base', sensors: sensors.join('+'), numEnvs, stepsPerSecond: Math.round(run(seconds * 1000)) });
}

async function benchBackend(backend: string): Promise<void> {
  const choice = await selectBackend({ preferred: [backend], measure: false }).catch(() => null);
  if (!choice || choice.name !== backend) {
    emit({ bench: 'backend', backend, available: false });
    return;
  }
  const track = loadTrack('reinvent_base');
  const reward = compileJsReward(DEFAULT_JS_REWARD.code);
  for (const n of [8, 16]) {
    const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: n });
    const obs = env.reset({ seed: 1 }).observations;
    const policy = ActorCritic.create(env.singleObservationSpace, env.singleActionSpace, { hiddenSizes: [64, 64], activation: 'tanh', seed: 1 });
    const rng = new Rng(1);
    for (let k = 0; k < 50; k++) await policy.act(obs, n, { rng });
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < seconds * 1000) {
      await policy.act(obs, n, { rng });
      calls++;
    }
    emit({ bench: 'act', backend, numEnvs: n, msPerBatchedStep: +((performance.now() - t0) / calls).toFixed(3) });
    policy.dispose();
  }
  // PPO update with DeepRacer's defaults (minibatch 64, 10 epochs) on fixed-length rollouts of 8 × 256 steps.
  const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: 8 });
  const trainer = new PpoTrainer(env, { numEnvs: 8, numSteps: 256, seed: 1 });
  await trainer.init();
  await trainer.iteration(); // warm-up
  let samples = 0;
  let updateMs = 0;
  let iterations = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || iterations < 2) {
    const m = await trainer.iteration();
    samples += m.samples * m.epochsRun;
    updateMs += m.timings.updateMs;
    iterations++;
  }
  emit({
    bench: 'ppo-update',
    backend,
    network: 'MLP 64-64',
    minibatchSize: 64,
    updateEpochs: 10,
    samplesPerIteration: 2048,
    gradientSamplesPerSecond: Math.round(samples / (updateMs / 1000)),
    msPerMinibatch: +((updateMs / samples) * 64).toFixed(2),
  });
  trainer.dispose();
  tf.disposeVariables();
}

/**
 * Headless end-to-end training with DeepRacer's defaults (the studio's, `npm run train`'s): env steps per second over
 * at least `seconds * 5` s and 3 iterations after a warm-up one, and where the wall time went.
 */
async function benchTraining(): Promise<void> {
  const track = loadTrack('reinvent_base');
  const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward: compileJsReward(DEFAULT_JS_REWARD.code), numEnvs: 8 });
  const trainer = new PpoTrainer(env, { seed: 1 });
  await trainer.init();
  await trainer.iteration(); // warm-up
  const sum = { simulateMs: 0, actMs: 0, updateMs: 0, wallMs: 0, envSteps: 0, iterations: 0 };
  while (sum.wallMs < seconds * 5000 || sum.iterations < 3) {
    const m = await trainer.iteration();
    for (const k of ['simulateMs', 'actMs', 'updateMs', 'wallMs'] as const) sum[k] += m.timings[k];
    sum.envSteps += m.envSteps;
    sum.iterations++;
  }
  const share = (ms: number): number => +(ms / sum.wallMs).toFixed(3);
  emit({
    bench: 'training',
    backend: tf.getBackend(),
    gradientMode: trainer.gradientMode,
    defaults: 'DeepRacer (8 cars, 20 episodes, minibatch 64, 10 epochs, MLP 64-64)',
    iterations: sum.iterations,
    envStepsPerSecond: Math.round(sum.envSteps / (sum.wallMs / 1000)),
    share: { simulate: share(sum.simulateMs), act: share(sum.actMs), update: share(sum.updateMs), other: share(sum.wallMs - sum.simulateMs - sum.actMs - sum.updateMs) },
  });
  trainer.dispose();
  tf.disposeVariables();
}

function benchTimeToLap(seed: number): void {
  const r = runTool('train', ['--track', 'reinvent_base', '--stop-on-lap', '--seed', String(seed), '--quiet', '--out', `runs/bench-seed${seed}`]);
  if (r.status !== 0) {
    emit({ bench: 'time-to-lap', seed, error: r.stderr.trim().split('\n').pop() });
    return;
  }
  const s = lastJsonLine(r.stdout);
  emit({
    bench: 'time-to-lap',
    track: 'reinvent_base',
    seed,
    trainSeconds: s.trainSeconds,
    envSteps: s.envSteps,
    iterations: s.iterations,
    stepsPerSecond: s.stepsPerSecond,
    completedLaps: s.completedLaps,
    meanLapTimeS: s.meanLapTimeS,
  });
}

/**
 * The same reward function (follow the centre line) in Python and in JavaScript on the same track:
 * simulator steps/s with 16 cars (the reward is a larger share there), and training steps/s with
 * DeepRacer's defaults over fixed rollouts (8 cars × 256 steps, 3 iterations, same seed).
 */
async function benchRewardLanguages(): Promise<void> {
  const track = loadTrack('reinvent_base');
  const results: Record<string, { sim: number; train: number }> = {};
  for (const language of ['javascript', 'python'] as RewardLanguage[]) {
    const reward = await compileRewardFunction({ code: templatesFor(language)[0].code, language });
    const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: 16 });
    env.reset({ seed: 1 });
    const rng = new Rng(1);
    const actions = new Int32Array(16);
    const t0 = performance.now();
    let steps = 0;
    while (performance.now() - t0 < seconds * 1000) {
      for (let i = 0; i < 16; i++) actions[i] = rng.int(10);
      env.step(actions);
      steps += 16;
    }
    const sim = steps / ((performance.now() - t0) / 1000);
    const trainEnv = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: 8 });
    const trainer = new PpoTrainer(trainEnv, { numEnvs: 8, numSteps: 256, seed: 1 });
    await trainer.init();
    const t1 = performance.now();
    for (let k = 0; k < 3; k++) await trainer.iteration();
    const train = trainer.globalStep / ((performance.now() - t1) / 1000);
    trainer.dispose();
    results[language] = { sim, train };
  }
  emit({
    bench: 'reward-language',
    reward: 'follow the centre line',
    simStepsPerSecond: { javascript: Math.round(results.javascript.sim), python: Math.round(results.python.sim) },
    trainStepsPerSecond: { javascript: Math.round(results.javascript.train), python: Math.round(results.python.train) },
    pythonSlowdownTraining: +(results.javascript.train / results.python.train).toFixed(2),
    pythonSlowdownSimulator: +(results.javascript.sim / results.python.sim).toFixed(2),
  });
}

/**
 * The shallow CNN's update figures: `test/harness/bench-cnn.ts` in a child process, its JSON lines straight to this
 * output. A child process and not an import because it drives the learner harness page of test/ (src/ never imports
 * test/).
 */
function benchCnnUpdates(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/harness/bench-cnn.ts'], { cwd: REPO, stdio: 'inherit', timeout: 600_000 });
  if (r.status !== 0) emit({ bench: 'cnn-update', available: false, reason: `test/harness/bench-cnn.ts ended with ${r.error?.message ?? r.signal ?? `exit status ${r.status}`}` });
}

async function main(): Promise<void> {
  if (args.only === 'long-tasks') {
    await benchBrowser(1, emit, 'long-tasks');
    return;
  }
  if (args.only === 'training') {
    await selectBackend({ preferred: ['wasm'], measure: false });
    await benchTraining();
    return;
  }
  benchSim(1);
  benchSim(16);
  // Camera and LiDAR env steps (image rendering included): what a camera model's rollouts cost before the CNN.
  for (const sensors of [['FRONT_FACING_CAMERA'], ['STEREO_CAMERAS'], ['FRONT_FACING_CAMERA', 'LIDAR']] as SensorName[][]) benchSim(8, sensors);
  for (const b of ['wasm', 'cpu']) await benchBackend(b);
  await selectBackend({ preferred: ['wasm'], measure: false });
  await benchRewardLanguages();
  await benchTraining();
  if (args.quick !== true) for (const seed of [1, 2, 3]) benchTimeToLap(seed);
  if (args.quick !== true && args.browser !== false && args.noBrowser !== true) {
    await benchBrowser(3, emit);
    benchCnnUpdates();
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
