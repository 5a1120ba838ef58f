import { describe, expect, it } from 'vitest';
import { RacingVectorEnv } from '../../src/sim/racing-env';
import { defaultActionSpace } from '../../src/sim/action-space';
import { PpoTrainer } from '../../src/rl/ppo';
import { compileRewardFunction } from '../../src/reward/compile';
import { DEFAULT_JS_REWARD } from '../../src/reward/examples';
import { TraceRecorder, tracesToCsv, csvToTrace } from '../../src/race/trace-columns';
import { EPISODE_STATUSES, parseSimTrace, SIM_TRACE_HEADER } from '../../src/race/sim-trace';
import { shippedTrack } from '../helpers/tracks';
import { initTf } from '../helpers/tf';
import { deepracerUtilsConvertLine, deepracerUtilsReadCsv } from '../helpers/deepracer-utils';

describe('training sim-trace', () => {
  it('training with boxes on the track writes per-iteration logs that deepracer-utils reads, objects params included', async () => {
    await initTf();
    const reward = await compileRewardFunction({ code: DEFAULT_JS_REWARD.code, language: 'javascript' });
    const track = shippedTrack('reinvent_base');
    const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: 4, objects: { obstacles: { count: 3, randomize: true } } });
    const recorder = new TraceRecorder();
    let sawObjects = false;
    env.setStepListener((ev) => {
      recorder.listener(ev);
      if (ev.params.objects_location.length === 3 && ev.params.closest_objects.length === 2) sawObjects = true;
    });
    const trainer = new PpoTrainer(env, { numEnvs: 4, episodesPerIteration: 8, seed: 3 });
    await trainer.init({ backend: 'wasm' });
    const files: string[] = [];
    let episodes = 0;
    for (let it = 0; it < 2; it++) {
      const m = await trainer.iteration();
      const trace = recorder.take();
      // Every episode that ended in the iteration is in its log, with all of its steps.
      expect(new Set(trace.episode).size).toBe(m.episodes.length);
      expect(trace.length).toBe(m.episodes.reduce((a, e) => a + e.episodicLength, 0));
      episodes += m.episodes.length;
      files.push(tracesToCsv(trace));
    }
    trainer.dispose();
    expect(sawObjects).toBe(true);
    expect(episodes).toBeGreaterThanOrEqual(16);
    for (const csv of files) {
      expect(csv.split('\n')[0]).toBe(SIM_TRACE_HEADER);
      const df = deepracerUtilsReadCsv(csv);
      const dtypes = Object.fromEntries(Object.entries(df).map(([k, v]) => [k, v.dtype]));
      expect(dtypes).toEqual({
        episode: 'int64', steps: 'float64', x: 'float64', y: 'float64', heading: 'float64', steering_angle: 'float64',
        speed: 'float64', action: 'int64', reward: 'float64', done: 'bool', all_wheels_on_track: 'bool', progress: 'float64',
        closest_waypoint: 'int64', track_len: 'float64', tstamp: 'float64', episode_status: 'object', pause_duration: 'float64',
        wall_clock: 'float64',
      });
      for (const s of df.episode_status.values) expect(EPISODE_STATUSES).toContain(s);
      // One 'done' per episode, on its last step; steps count from 1 within each episode.
      const done = df.done.values as boolean[];
      const ep = df.episode.values as number[];
      const steps = df.steps.values as number[];
      for (let i = 0; i < ep.length; i++) {
        const last = i === ep.length - 1 || ep[i + 1] !== ep[i];
        expect(done[i]).toBe(last);
        expect(steps[i]).toBe(i === 0 || ep[i - 1] !== ep[i] ? 1 : steps[i - 1] + 1);
      }
      for (const line of csv.trimEnd().split('\n').slice(1)) deepracerUtilsConvertLine(line);
      // Raceline's own parser and the columns round-trip.
      expect(parseSimTrace(csv).rows.length).toBe(ep.length);
      expect(tracesToCsv(csvToTrace(csv))).toBe(csv);
    }
  });
});
