/**
 * `npm run bench:race`: the racing setup against the car's own limit. Trains `--preset race` headless for
 * `--minutes` (default 10) on each track and seed, evaluates it (greedy, 3 trials from the start line) and prints one
 * JSON line a run and one a track: the limit lap, the best and mean evaluation lap, and their ratio to the limit.
 * Flags: --tracks a,b,c (default reinvent_base, reInvent2019_track, Canada_Training and Bowtie_track, the narrowest
 * loop at 0.61 m; no shipped track runs clockwise), --seeds 1,2,3, --minutes N, --action-space default|continuous,
 * --jobs N. A benchmark, not a test: 4 tracks × 3 seeds × 10 minutes is two hours on a 2-core machine; `--jobs 2`
 * runs two at a time (training in Node is one thread of WASM, so each run keeps a core to itself) and takes one hour.
 * Models go to `runs/bench-race-<track>[-continuous]-seed<N>`.
 */
import { parseArgs } from './args';
import { loadTrack } from '../track/node/track-files';
import { lastJsonLine, runToolAsync } from './run-tool';
import { limitLap } from '../race/limit-lap';

const args = parseArgs(process.argv.slice(2));
const tracks = String(args.tracks ?? 'reinvent_base,reInvent2019_track,Canada_Training,Bowtie_track').split(',');
const seeds = String(args.seeds ?? '1,2,3').split(',').map(Number);
const minutes = Number(args.minutes ?? 10);
const actionSpace = String(args.actionSpace ?? 'default');
const jobs = Math.max(1, Number(args.jobs ?? 1));
const emit = (o: Record<string, unknown>): void => console.log(JSON.stringify(o));

interface Run {
  track: string;
  seed: number;
  trials: (number | null)[];
}

/** Trains and evaluates one track and seed; @throws Error when the trainer fails or runs past its time. */
async function run(name: string, seed: number, limitS: number): Promise<Run> {
  const trainArgs = ['--preset', 'race', '--track', name, '--minutes', String(minutes), '--seed', String(seed), '--action-space', actionSpace, '--quiet', '--out', `runs/bench-race-${name}${actionSpace === 'default' ? '' : `-${actionSpace}`}-seed${seed}`];
  // The training time plus ten minutes for start-up, the final checkpoint and the evaluation.
  const r = await runToolAsync('train', trainArgs, (minutes + 10) * 60_000);
  if (r.status !== 0) throw new Error(`bench:race: train failed on ${name} seed ${seed} (status ${r.status}): ${r.stderr.trim()}`);
  const s = lastJsonLine(r.stdout) as { trials: { lapTimeS: number | null }[]; envSteps: number };
  const trials = s.trials.map((t) => t.lapTimeS);
  emit({ bench: 'race-run', track: name, seed, actionSpace, minutes, jobs, limitS, trials, envSteps: s.envSteps });
  return { track: name, seed, trials };
}

const limits = new Map(
  tracks.map((name) => {
    const track = loadTrack(name);
    return [name, { track, limitS: limitLap(track).lapTimeS }];
  }),
);
const queue = tracks.flatMap((track) => seeds.map((seed) => ({ track, seed })));
const runs: Run[] = [];
// `jobs` runs at a time, each on its own core, in the order of the flags.
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) runs.push(await run(next.track, next.seed, limits.get(next.track)!.limitS));
  }),
);

for (const name of tracks) {
  const { track, limitS } = limits.get(name)!;
  const trials = runs.filter((r) => r.track === name).flatMap((r) => r.trials);
  const laps = trials.filter((t): t is number => t !== null);
  const incomplete = trials.length - laps.length;
  const mean = laps.length > 0 ? laps.reduce((a, b) => a + b, 0) / laps.length : null;
  const best = laps.length > 0 ? Math.min(...laps) : null;
  emit({
    bench: 'race',
    track: name,
    direction: track.direction,
    actionSpace,
    minutes,
    jobs,
    seeds,
    limitS: +limitS.toFixed(3),
    bestLapS: best && +best.toFixed(3),
    meanLapS: mean && +mean.toFixed(3),
    bestRatio: best && +(best / limitS).toFixed(3),
    meanRatio: mean && +(mean / limitS).toFixed(3),
    incompleteTrials: incomplete,
  });
}
