/**
 * A page that runs Raceline's PPO on one tfjs backend in the browser, for the browser tests (WebGPU against WASM)
 * and `npm run bench` (update samples per second per backend). Not part of the site: built apart by
 * `test/harness/build.ts`. Exposes `window.ralHarness`.
 */
import { selectBackend } from '../../src/rl/backend';
import { PpoTrainer } from '../../src/rl/ppo';
import { PpoLearner } from '../../src/rl/learner';
import { ActorCritic } from '../../src/rl/policy';
import { embedderFor, DEEPRACER_MIDDLEWARE, type CameraNetworkName } from '../../src/rl/embedder-spec';
import { Rng } from '../../src/sim/rng';
import { RacingVectorEnv } from '../../src/sim/racing-env';
import { defaultActionSpace } from '../../src/sim/action-space';
import { observationSpaceFor, sensorLayout, type SensorName } from '../../src/sim/observation';
import { compileJsReward } from '../../src/reward/js-reward';
import { Track } from '../../src/track/track';
import { discrete } from '../../src/sim/spaces';
import { resolvePpoConfig } from '../../src/rl/config';
import { WASM_PATHS } from '../../src/workers/wasm-paths';
import straight from '../../tracks/Straight_track.json';
import reinvent from '../../tracks/reinvent_base.json';
import type { TrackData } from '../../src/track/track-data';

const REWARD = compileJsReward('function reward_function(params) { return params.all_wheels_on_track ? 1.0 - params.distance_from_center / params.track_width : 1e-3; }');

export interface CnnRunOptions {
  backend: string;
  seed: number;
  iterations: number;
  sensors?: SensorName[];
  network?: CameraNetworkName;
  track?: 'Straight_track' | 'reinvent_base';
}

/** Every WEIGHT_STRIDE-th weight goes back to the test (all 11.5 M of the shallow CNN would be ~200 MB of JSON). */
const WEIGHT_STRIDE = 101;

export interface CnnRunResult {
  backend: string;
  /** Per iteration: policy loss, value loss, entropy, approx KL. */
  losses: number[][];
  samples: number[];
  /** The final weights at every WEIGHT_STRIDE-th index. */
  finalSample: number[];
  /** Largest and mean absolute change of any weight over the run. */
  maxChange: number;
  meanChange: number;
  allFinite: boolean;
}

/** Trains a camera CNN with PPO on `backend` (one car, one episode per iteration) and sums up its losses and weights. */
async function trainCnn(o: CnnRunOptions): Promise<CnnRunResult> {
  const choice = await selectBackend({ preferred: [o.backend], measure: false, wasmPaths: WASM_PATHS });
  if (choice.name !== o.backend) throw new Error(`backend ${o.backend} is not available here (got ${choice.name})`);
  const sensors = o.sensors ?? ['FRONT_FACING_CAMERA'];
  const track = new Track((o.track === 'reinvent_base' ? reinvent : straight) as TrackData);
  const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward: REWARD, numEnvs: 1, sensors });
  const trainer = new PpoTrainer(env, { seed: o.seed, numEnvs: 1, episodesPerIteration: 1, updateEpochs: 1, minibatchSize: 32, hiddenSizes: [...DEEPRACER_MIDDLEWARE], activation: 'relu' });
  await trainer.init({ embedder: embedderFor(sensorLayout(sensors), o.network) });
  const initial = await trainer.policy.network.getFlatWeights();
  const losses: number[][] = [];
  const samples: number[] = [];
  for (let i = 0; i < o.iterations; i++) {
    const m = await trainer.iteration();
    losses.push([m.losses.policyLoss, m.losses.valueLoss, m.losses.entropy, m.losses.approxKl]);
    samples.push(m.samples);
  }
  const final = await trainer.policy.network.getFlatWeights();
  trainer.dispose();
  let maxChange = 0;
  let sumChange = 0;
  let allFinite = true;
  const finalSample: number[] = [];
  for (let i = 0; i < final.length; i++) {
    const d = Math.abs(final[i] - initial[i]);
    if (!Number.isFinite(final[i])) allFinite = false;
    maxChange = Math.max(maxChange, d);
    sumChange += d;
    if (i % WEIGHT_STRIDE === 0) finalSample.push(final[i]);
  }
  return { backend: choice.name, losses, samples, finalSample, maxChange, meanChange: sumChange / final.length, allFinite };
}

/**
 * PPO update throughput on `backend`: `samples` camera observations from the start of re:Invent 2018, one epoch
 * in minibatches of 64, after one warm-up update. @returns samples per second and ms per update.
 */
async function benchUpdate(backend: string, samples: number, network: CameraNetworkName = 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW'): Promise<{ backend: string; samplesPerS: number; msPerUpdate: number }> {
  const choice = await selectBackend({ preferred: [backend], measure: false, wasmPaths: WASM_PATHS });
  if (choice.name !== backend) throw new Error(`backend ${backend} is not available here (got ${choice.name})`);
  const sensors: SensorName[] = ['FRONT_FACING_CAMERA'];
  const layout = sensorLayout(sensors);
  const env = new RacingVectorEnv({ track: new Track(reinvent as TrackData), actionSpace: defaultActionSpace(), reward: REWARD, numEnvs: 1, sensors });
  const rng = new Rng(1);
  const observations = new Float32Array(samples * layout.size); // [samples, 19200] float32
  let obs = env.reset({ seed: 1 }).observations;
  for (let i = 0; i < samples; i++) {
    observations.set(obs, i * layout.size);
    obs = env.step(Int32Array.of(rng.int(10))).observations;
  }
  const config = resolvePpoConfig({ updateEpochs: 1, minibatchSize: 64, hiddenSizes: [...DEEPRACER_MIDDLEWARE], activation: 'relu', seed: 1 });
  const policy = ActorCritic.create(observationSpaceFor(sensors), discrete(10), { hiddenSizes: config.hiddenSizes, activation: 'relu', seed: 1, embedder: embedderFor(layout, network) });
  const learner = new PpoLearner(config, policy, new Rng(2));
  const batch = {
    size: samples,
    observations,
    actions: Int32Array.from({ length: samples }, (_, i) => i % 10),
    logProbs: new Float32Array(samples).fill(Math.log(0.1)),
    values: new Float32Array(samples),
  };
  const advantages = Float32Array.from({ length: samples }, () => rng.uniform() - 0.5);
  const returns = Float32Array.from({ length: samples }, () => rng.uniform());
  await learner.update(batch, advantages, returns); // warm-up: shaders and kernels
  const t0 = performance.now();
  await learner.update(batch, advantages, returns);
  await policy.network.getFlatWeights(); // wait for the device
  const ms = performance.now() - t0;
  learner.dispose();
  policy.dispose();
  return { backend: choice.name, samplesPerS: (samples * 1000) / ms, msPerUpdate: ms };
}

declare global {
  interface Window {
    ralHarness: { trainCnn: typeof trainCnn; benchUpdate: typeof benchUpdate; gpu: boolean };
  }
}

window.ralHarness = { trainCnn, benchUpdate, gpu: 'gpu' in navigator };
document.getElementById('status')!.textContent = 'ready';
