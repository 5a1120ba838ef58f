/**
 * `npm run evaluate -- --model DIR [--track NAME|FILE.npy] [--trials 3] [--seed 1]`: DeepRacer's
 * time-trial evaluation of a saved model (greedy, trials from the start line). Prints one line
 * per trial, then a JSON summary line.
 */
import { parseArgs } from './args';
import { loadModel } from './load-model';
import { loadTrack } from '../track/node/track-files';
import { selectBackend } from '../rl/backend';
import { evaluatePolicy, summarizeTrials } from '../race/evaluate';
import { sensorLayout, type SensorName } from '../sim/observation';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || args.model === undefined) {
    console.log('usage: npm run evaluate -- --model DIR [--track NAME|FILE.npy] [--trials 3] [--seed 1]');
    if (args.model === undefined && !args.help) process.exit(2);
    return;
  }
  await selectBackend({ preferred: ['wasm', 'cpu'], measure: false });
  const model = loadModel(String(args.model));
  const track = loadTrack(String(args.track ?? model.manifest.track));
  const trials = await evaluatePolicy(model.policy, {
    track,
    actionSpace: model.actionSpace,
    trials: Number(args.trials ?? 3),
    seed: Number(args.seed ?? 1),
    // The model's own sensors (model_metadata.json `sensor`), so camera and LiDAR models see what they trained on.
    sensors: sensorLayout((model.metadata.sensor ?? ['TRACK_GEOMETRY']) as SensorName[]).sensors,
  });
  for (const t of trials) {
    console.log(`trial ${t.trial + 1}: ${t.status}, progress ${t.progress.toFixed(1)}%, ${t.lapTimeS === null ? 'no lap' : `lap ${t.lapTimeS.toFixed(2)} s`}`);
  }
  const s = summarizeTrials(trials);
  console.log(JSON.stringify({ track: track.name, trials: trials.map(({ progress, lapTimeS, status, steps }) => ({ progress, lapTimeS, status, steps })), completedLaps: s.completed, meanLapTimeS: s.meanLapTimeS }));
}

main().catch((e: unknown) => {
  console.error(`evaluate: ${(e as Error).message}`);
  process.exit(1);
});
