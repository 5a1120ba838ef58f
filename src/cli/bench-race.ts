/**
 * `npm run bench:race`: the racing setup against the car's own limit. Trains `--preset race` headless for
 * `--minutes` (default 10) on each track and seed, evaluates it (greedy, 3 trials from the start line) and prints one
 * JSON line a run and one a track: the limit lap, the best and mean evaluation lap, and their ratio to the limit.
 * Flags: --tracks a,b,c (default reinvent_base, reInvent2019_track, Canada_Training and Bowtie_track, the narrowest
 * loop at 0.61 m; no shipped track runs clockwise), --seeds 1,2,3, --minutes N, --action-space default|continuous. A benchmark, not a test: 4 tracks × 3
 * seeds × 10 minutes is two hours on a 2-core machine.
 */
import { parseArgs } from './args';
import { loadTrack } from '../track/node/track-files';
import { lastJsonLine, runTool } from './run-tool';
import { limitLap } from '../race/limit-lap';

const args = parseArgs(process.argv.slice(2));
const tracks = String(args.tracks ?? 'reinvent_base,reInvent2019_track,Canada_Training,Bowtie_track').split(',');
const seeds = String(args.seeds ?? '1,2,3').split(',').map(Number);
const minutes = Number(args.minutes ?? 10);
const actionSpace = String(args.actionSpace ?? 'default');
const emit = (o: Record<string, unknown>): void => console.log(JSON.stringify(o));

for (const name of tracks) {
  const track = loadTrack(name);
  const limitS = limitLap(track).lapTimeS;
  const laps: number[] = [];
  let incomplete = 0;
  for (const seed of seeds) {
    const r = runTool('train', ['--preset', 'race', '--track', name, '--minutes', String(minutes), '--seed', String(seed), '--action-space', actionSpace, '--quiet', '--out', `runs/bench-race-${name}-seed${seed}`]);
    if (r.status !== 0) throw new Error(`bench:race: train failed on ${name} seed ${seed}: ${r.stderr.trim()}`);
    const s = lastJsonLine(r.stdout) as { trials: { lapTimeS: number | null }[]; envSteps: number };
    for (const t of s.trials) if (t.lapTimeS === null) incomplete++;
    else laps.push(t.lapTimeS);
    const mine = s.trials.map((t) => t.lapTimeS);
    emit({ bench: 'race-run', track: name, seed, actionSpace, minutes, limitS, trials: mine, envSteps: s.envSteps });
  }
  const mean = laps.length > 0 ? laps.reduce((a, b) => a + b, 0) / laps.length : null;
  const best = laps.length > 0 ? Math.min(...laps) : null;
  emit({
    bench: 'race',
    track: name,
    direction: track.direction,
    actionSpace,
    minutes,
    seeds,
    limitS: +limitS.toFixed(3),
    bestLapS: best && +best.toFixed(3),
    meanLapS: mean && +mean.toFixed(3),
    bestRatio: best && +(best / limitS).toFixed(3),
    meanRatio: mean && +(mean / limitS).toFixed(3),
    incompleteTrials: incomplete,
  });
}
