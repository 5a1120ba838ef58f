/**
 * `npm run params -- --track <name or .npy path>`: reads car states as CSV on stdin
 * (header `x,y,heading,steering_angle,speed`, optional `steps`; x, y = car origin midway between
 * the axles in m; heading in degrees) and prints one JSON line per state with every DeepRacer
 * params key, as the simulator computes it for that pose and action. `progress` is the share of
 * the lap from the start line to the state's projection (0–100).
 * With `--reward FILE.py|FILE.js`, each line also has `reward`: what the function returns for those
 * params, or `rewardError` with the message and line when it fails or breaks DeepRacer's rule.
 */
import { readFileSync } from 'node:fs';
import { loadTrack } from '../track/node/track-files';
import { buildParams, emptyMeasure, measureCar } from '../reward/params';
import { parseArgs } from './args';
import { compileRewardFunction, languageOfFile } from '../reward/compile';
import { checkRewardValue, RewardError, type RewardFunction } from '../reward/reward-function';

const USAGE = 'usage: npm run params -- --track <name|file.npy> [--reward file.py|file.js] < states.csv   (CSV header: x,y,heading,steering_angle,speed[,steps])';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { track: 'reinvent_base' });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const track = loadTrack(String(args.track));
  let reward: RewardFunction | null = null;
  let compileError: RewardError | null = null;
  if (args.reward !== undefined) {
    const file = String(args.reward);
    try {
      reward = await compileRewardFunction({ code: readFileSync(file, 'utf8'), language: languageOfFile(file) }, { onPrint: (l) => console.error(`print: ${l}`) });
    } catch (e) {
      if (!(e instanceof RewardError)) throw e;
      compileError = e;
    }
  }
  const lines = readFileSync(0, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error(`no input on stdin. ${USAGE}`);
  const header = lines[0].split(',').map((h) => h.trim());
  const need = ['x', 'y', 'heading', 'steering_angle', 'speed'];
  for (const k of need) if (!header.includes(k)) throw new Error(`CSV header lacks '${k}': got '${lines[0]}'. ${USAGE}`);
  const col = (k: string): number => header.indexOf(k);
  const m = emptyMeasure();
  for (let li = 1; li < lines.length; li++) {
    const cells = lines[li].split(',').map((c) => Number(c.trim()));
    const bad = need.find((k) => !Number.isFinite(cells[col(k)]));
    if (bad) throw new Error(`CSV line ${li + 1}: '${bad}' is not a number in '${lines[li]}'`);
    const heading = (cells[col('heading')] * Math.PI) / 180;
    measureCar(track, cells[col('x')], cells[col('y')], heading, -1, m);
    const steps = col('steps') >= 0 && Number.isFinite(cells[col('steps')]) ? cells[col('steps')] : 1;
    const params = buildParams(track, m, heading, {
      steeringAngle: Math.max(-30, Math.min(30, cells[col('steering_angle')])),
      speed: cells[col('speed')],
      steps,
      progress: 100 * track.normalizedDistance(m.projection.along),
      simTime: steps / 15,
    });
    const out: Record<string, unknown> = { ...params };
    if (compileError) out.rewardError = { message: compileError.message, line: compileError.line };
    else if (reward) {
      try {
        out.reward = checkRewardValue(reward.evaluate([params])[0], params.steps);
      } catch (e) {
        if (!(e instanceof RewardError)) throw e;
        out.rewardError = { message: e.message, line: e.line };
      }
    }
    console.log(JSON.stringify(out));
  }
}

main().catch((e: unknown) => {
  console.error(`params: ${(e as Error).message}`);
  process.exit(1);
});
