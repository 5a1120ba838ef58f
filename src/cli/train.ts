/**
 * `npm run train`: trains a DeepRacer-style car headlessly in Node with the same modules the
 * browser uses. Prints one line per policy-updating iteration, evaluates the policy at the end
 * (greedy, 3 trials from the start line, DeepRacer rules), saves the model, and ends with a JSON
 * summary line: `{trials: [{progress, lapTimeS}], trainSeconds, envSteps, ...}`.
 * Run with `--help` for the flags.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type Args } from './args';
import { loadTrack } from '../track/node/track-files';
import { saveModel } from './save-model';
import { RacingVectorEnv } from '../sim/racing-env';
import { defaultActionSpace, generateDiscreteActionSpace, validateActionSpace, type ActionSpace } from '../sim/action-space';
import { compileRewardFunction, languageOfFile } from '../reward/compile';
import { DEFAULT_JS_REWARD } from '../reward/examples';
import { RewardError } from '../reward/reward-function';
import { PpoTrainer } from '../rl/ppo';
import { resolvePpoConfig, type PpoConfig } from '../rl/config';
import { selectBackend } from '../rl/backend';
import { actionSpaceFromMetadata } from '../rl/model-metadata';
import { evaluatePolicy, summarizeTrials, type TrialResult } from '../race/evaluate';
import { TraceRecorder, tracesToCsv } from '../race/trace-columns';
import type { SceneConfig } from '../sim/scene';
import { sensorLayout, type SensorLayout, type SensorName } from '../sim/observation';
import { CAMERA_NETWORKS, DEEPRACER_MIDDLEWARE, embedderFor, type CameraNetworkName } from '../rl/embedder-spec';
import { networkNameOf } from '../rl/model-metadata';
import { limitLap } from '../race/limit-lap';
import { presetById, presetReward, type TrainingPreset } from '../race/presets';

/** The sensor list and camera network from the flags. @throws Error naming the rule a list breaks or an unknown network. */
function sensorsFrom(args: Args): { layout: SensorLayout; network: CameraNetworkName } {
  const list = String(args.sensors ?? 'TRACK_GEOMETRY').split(',').map((x) => x.trim()).filter(Boolean) as SensorName[];
  const network = String(args.cameraNetwork ?? 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW');
  if (!(network in CAMERA_NETWORKS)) throw new Error(`--camera-network must be one of ${Object.keys(CAMERA_NETWORKS).join(', ')}, got '${network}'`);
  return { layout: sensorLayout(list), network: network as CameraNetworkName };
}

const HELP = `usage: npm run train -- [flags]
  --track NAME|FILE.npy   shipped track name or DeepRacer route file (default reinvent_base)
  --preset race           the racing setup: actions up to 4 m/s (discrete 5 x 3, or continuous with
                          --action-space continuous), the race reward and discount factor 0.97;
                          other flags still override it
  --reward FILE.py|FILE.js reward_function(params) in Python or JavaScript (default: follow the centre line)
  --minutes N             maximum training time (default 5)
  --stop-on-lap           evaluate between iterations, stop when 3 of 3 trials complete a lap
  --out DIR               where to save the model (default runs/<time>)
  --seed N                seed (default 1)
  --cars N                parallel cars (default 8)
  --sensors LIST          DeepRacer's sensor list, comma-separated (default TRACK_GEOMETRY), e.g. FRONT_FACING_CAMERA,LIDAR
  --camera-network NAME   DEEP_CONVOLUTIONAL_NETWORK_SHALLOW (default) or DEEP_CONVOLUTIONAL_NETWORK
  --action-space default|continuous|FILE.json   (FILE: a model_metadata.json)
  --max-steering 30 --steering-levels 5 --max-speed 1 --speed-levels 2   discrete generator
  --batch-size 64 --num-epochs 10 --lr 0.0003 --beta-entropy 0.01 --discount-factor 0.999
  --loss-type huber|mse --num-episodes-between-training 20 --gae-lambda 0.95 --clip-range 0.2
  --eval-trials 3         evaluation trials
  --boxes N [--random-boxes]   object avoidance: N boxes (1..6) on the track in training and evaluation
  --bots N [--bot-speed 0.5] [--bot-lane-change]   head to bot: N bot cars (1..4)
  --sim-trace             also write DeepRacer sim-trace logs to DIR/logs/training/{N}-iteration.csv
  --quiet                 only the final JSON line`;

/** Progress a training iteration must reach before --stop-on-lap spends time evaluating. */
const EVAL_GATE_PROGRESS = 50;

function actionSpaceFrom(args: Args, preset: TrainingPreset | null): ActionSpace {
  const kind = String(args.actionSpace ?? 'default');
  if (preset && (kind === 'default' || kind === 'continuous') && args.maxSpeed === undefined && args.speedLevels === undefined) {
    return preset.actionSpaces[kind === 'continuous' ? 'continuous' : 'discrete'];
  }
  if (kind === 'continuous') {
    return validateActionSpace({ type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 2 } });
  }
  if (kind.endsWith('.json')) return actionSpaceFromMetadata(JSON.parse(readFileSync(kind, 'utf8')));
  if (kind !== 'default') throw new Error(`--action-space must be default, continuous or a model_metadata.json path, got '${kind}'`);
  if (args.maxSteering !== undefined || args.steeringLevels !== undefined || args.maxSpeed !== undefined || args.speedLevels !== undefined) {
    return generateDiscreteActionSpace(
      Number(args.maxSteering ?? 30),
      Number(args.steeringLevels ?? 5),
      Number(args.maxSpeed ?? 1),
      Number(args.speedLevels ?? 2),
    );
  }
  return defaultActionSpace();
}

/** Boxes or bot cars from the flags (undefined for a time trial). @throws RangeError for counts out of range. */
function sceneFrom(args: Args): SceneConfig | undefined {
  if (args.boxes !== undefined) return { obstacles: { count: Number(args.boxes), randomize: args.randomBoxes === true } };
  if (args.bots !== undefined) return { bots: { count: Number(args.bots), speed: Number(args.botSpeed ?? 0.5), laneChange: args.botLaneChange === true, randomize: true } };
  return undefined;
}

function ppoConfigFrom(args: Args, vectorOnly: boolean, preset: TrainingPreset | null): PpoConfig {
  // A preset's hyperparameters first (race: discount factor 0.97); flags given on the command line win.
  const partial: Partial<PpoConfig> = { ...preset?.hyperparameters, seed: Number(args.seed ?? 1), numEnvs: Number(args.cars ?? 8) };
  // Camera and LiDAR networks: DeepRacer's middleware (dense 512, ReLU) after the embedders.
  if (!vectorOnly) Object.assign(partial, { hiddenSizes: [...DEEPRACER_MIDDLEWARE], activation: 'relu' });
  const num = (k: string): number | undefined => (args[k] === undefined ? undefined : Number(args[k]));
  const set = <K extends keyof PpoConfig>(k: K, v: PpoConfig[K] | undefined): void => {
    if (v !== undefined) partial[k] = v;
  };
  set('minibatchSize', num('batchSize'));
  set('updateEpochs', num('numEpochs'));
  set('learningRate', num('lr'));
  set('entropyCoef', num('betaEntropy'));
  set('gamma', num('discountFactor'));
  set('episodesPerIteration', num('numEpisodesBetweenTraining'));
  set('gaeLambda', num('gaeLambda'));
  set('clipRange', num('clipRange'));
  if (args.lossType !== undefined) {
    const t = String(args.lossType).toLowerCase();
    set('valueLoss', t === 'huber' ? 'huber' : t === 'mse' || t === 'mean squared error' ? 'mse' : (t as PpoConfig['valueLoss']));
  }
  return resolvePpoConfig(partial);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(HELP);
    return;
  }
  const quiet = args.quiet === true;
  const log = (s: string): void => {
    if (!quiet) console.log(s);
  };
  const trackName = String(args.track ?? 'reinvent_base');
  const track = loadTrack(trackName);
  const preset = args.preset === undefined ? null : presetById(String(args.preset));
  const rewardPath = args.reward === undefined ? null : String(args.reward);
  const builtInReward = preset ? presetReward(preset, 'javascript') : DEFAULT_JS_REWARD;
  const rewardCode = rewardPath ? readFileSync(rewardPath, 'utf8') : builtInReward.code;
  const rewardLanguage = rewardPath ? languageOfFile(rewardPath) : 'javascript';
  const reward = await compileRewardFunction({ code: rewardCode, language: rewardLanguage }, { onPrint: (line) => log(`print: ${line}`) });
  const actionSpace = actionSpaceFrom(args, preset);
  const { layout, network } = sensorsFrom(args);
  const sensors = layout.sensors;
  const embedder = embedderFor(layout, network);
  const config = ppoConfigFrom(args, embedder === null, preset);
  const minutes = Number(args.minutes ?? 5);
  const stopOnLap = args.stopOnLap === true;
  const evalTrials = Number(args.evalTrials ?? 3);
  const out = String(args.out ?? `runs/${new Date().toISOString().replace(/[:.]/g, '-')}`);

  const backend = await selectBackend({ preferred: ['wasm', 'cpu'], measure: false });
  log(`backend ${backend.name} (${backend.reason})`);
  log(`track ${track.displayName} (${track.name}, ${track.length.toFixed(2)} m), ${config.numEnvs} cars, seed ${config.seed}, ` +
    `${actionSpace.type} actions, sensors ${sensors.join('+')}, reward ${rewardPath ?? builtInReward.id}${preset ? `, preset ${preset.id}` : ''}, ${minutes} min max${stopOnLap ? ', stop on lap' : ''}`);

  const objects = sceneFrom(args);
  const env = new RacingVectorEnv({ track, actionSpace, reward, numEnvs: config.numEnvs, objects, sensors });
  const recorder = args.simTrace === true ? new TraceRecorder() : null;
  if (recorder) env.setStepListener(recorder.listener);
  const traces: string[] = [];
  const trainer = new PpoTrainer(env, config);
  await trainer.init({ embedder });
  const evaluate = (seed: number): Promise<TrialResult[]> => evaluatePolicy(trainer.policy, { track, actionSpace, trials: evalTrials, seed, objects, sensors });

  const start = performance.now();
  const history: unknown[] = [];
  let stoppedOnLap = false;
  let lastTrials: TrialResult[] | null = null;
  while ((performance.now() - start) / 60000 < minutes) {
    const m = await trainer.iteration();
    if (recorder) traces.push(tracesToCsv(recorder.take()));
    const eps = m.episodes;
    const progress = eps.map((e) => Number(e.extra?.progress ?? 0));
    const laps = eps.filter((e) => e.extra?.lapCompleted === true).length;
    const meanProgress = progress.reduce((a, b) => a + b, 0) / Math.max(1, progress.length);
    const elapsed = (performance.now() - start) / 1000;
    const t = m.timings;
    log(
      `iter ${String(m.iteration).padStart(3)} | ${elapsed.toFixed(0).padStart(4)} s | episodes ${eps.length} | reward ${(m.meanEpisodicReturn ?? 0).toFixed(1)} | ` +
        `progress ${meanProgress.toFixed(1)}% | laps ${laps} | steps/s ${m.sps.toFixed(0)} | entropy ${m.losses.entropy.toFixed(3)} | ` +
        `kl ${m.losses.approxKl.toFixed(4)} | sim ${(t.simulateMs / 1000).toFixed(1)} s act ${(t.actMs / 1000).toFixed(1)} s update ${(t.updateMs / 1000).toFixed(1)} s`,
    );
    const record: Record<string, unknown> = { iteration: m.iteration, elapsedS: elapsed, globalStep: m.globalStep, episodes: eps.length, meanReturn: m.meanEpisodicReturn, meanProgress, laps, losses: m.losses, timings: t };
    if (stopOnLap && Math.max(0, ...progress) >= EVAL_GATE_PROGRESS) {
      lastTrials = await evaluate(config.seed);
      const s = summarizeTrials(lastTrials);
      record.evaluation = lastTrials;
      log(`  evaluation: ${s.completed}/${s.trials} laps, mean progress ${s.meanProgress.toFixed(1)}%${s.meanLapTimeS ? `, mean lap ${s.meanLapTimeS.toFixed(2)} s` : ''}`);
      if (s.completed === s.trials) stoppedOnLap = true;
    }
    history.push(record);
    if (stoppedOnLap) break;
  }
  const trainSeconds = (performance.now() - start) / 1000;
  const trials = stoppedOnLap && lastTrials ? lastTrials : await evaluate(config.seed);
  await saveModel(out, { policy: trainer.policy, actionSpace, config, rewardCode, rewardLanguage, track, history, trials, sensors, network: networkNameOf(trainer.policy.network.spec) });
  if (traces.length > 0) {
    mkdirSync(join(out, 'logs', 'training'), { recursive: true });
    traces.forEach((csv, i) => writeFileSync(join(out, 'logs', 'training', `${i}-iteration.csv`), csv));
  }
  const summary = summarizeTrials(trials);
  const limitS = track.loop ? limitLap(track).lapTimeS : null;
  const laps = trials.map((r) => r.lapTimeS).filter((t): t is number => t !== null);
  console.log(
    JSON.stringify({
      track: track.name,
      seed: config.seed,
      sensors,
      trials: trials.map((r) => ({ progress: r.progress, lapTimeS: r.lapTimeS, status: r.status, steps: r.steps })),
      completedLaps: summary.completed,
      meanLapTimeS: summary.meanLapTimeS,
      bestLapTimeS: laps.length > 0 ? Math.min(...laps) : null,
      limitLapTimeS: limitS,
      meanRatioToLimit: limitS && summary.meanLapTimeS ? summary.meanLapTimeS / limitS : null,
      stoppedOnLap,
      trainSeconds: Math.round(trainSeconds * 10) / 10,
      envSteps: trainer.globalStep,
      iterations: trainer.iterationCount,
      stepsPerSecond: Math.round(trainer.globalStep / trainSeconds),
      backend: backend.name,
      out,
    }),
  );
}

main().catch((e: unknown) => {
  if (e instanceof RewardError) console.error(`train: training stopped: ${e.message}`);
  else console.error(`train: ${(e as Error).message}`);
  process.exit(1);
});
