import { beforeAll, describe, expect, it } from 'vitest';
import { compileRewardFunction } from '../../src/reward/compile';
import { compileJsReward } from '../../src/reward/js-reward';
import { templatesFor } from '../../src/reward/examples';
import { buildParams, emptyMeasure, measureCar, type DeepRacerParams } from '../../src/reward/params';
import { checkRewardValue, RewardError } from '../../src/reward/reward-function';
import { sampleStates } from '../../src/reward/sample-states';
import { Rng } from '../../src/sim/rng';
import { shippedTrack } from '../helpers/tracks';

const track = shippedTrack('reinvent_base');

/** Seeded car states all over the track: offsets across and beyond the road, headings, steering. */
function randomStates(n: number, seed: number): DeepRacerParams[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const c = track.pointAt(rng.uniform() * track.length);
    const offset = (rng.uniform() * 2 - 1) * 0.6;
    const heading = c.heading + (rng.uniform() * 2 - 1) * 0.8;
    const m = measureCar(track, c.x - offset * Math.sin(c.heading), c.y + offset * Math.cos(c.heading), heading, -1, emptyMeasure());
    return buildParams(track, m, heading, { steeringAngle: Math.round((rng.uniform() * 2 - 1) * 30), speed: 0.5 + rng.uniform() * 3.5, steps: 2 + rng.int(500), progress: rng.uniform() * 100, simTime: 1 });
  });
}

async function python(code: string) {
  return compileRewardFunction({ code, language: 'python' });
}

async function pythonError(code: string, states = randomStates(2, 1)): Promise<RewardError> {
  try {
    const f = await python(code);
    f.evaluate(states).forEach((v, i) => checkRewardValue(v, states[i].steps));
  } catch (e) {
    expect(e).toBeInstanceOf(RewardError);
    return e as RewardError;
  }
  throw new Error('expected a RewardError');
}

describe('Python reward functions (Pyodide)', () => {
  beforeAll(async () => {
    await python('def reward_function(params):\n    return 1.0\n'); // load Pyodide once
  }, 120_000);

  it('the three DeepRacer examples in Python give the JavaScript versions\' rewards to 1e-9 on the same states', async () => {
    const states = [...sampleStates(track).map((s) => s.params), ...randomStates(300, 7)];
    const py = templatesFor('python');
    const js = templatesFor('javascript');
    expect(py.map((t) => t.title)).toEqual(js.map((t) => t.title));
    for (let k = 0; k < py.length; k++) {
      const a = (await python(py[k].code)).evaluate(states) as number[];
      const b = compileJsReward(js[k].code).evaluate(states) as number[];
      expect(a).toHaveLength(states.length);
      a.forEach((v, i) => expect(Math.abs(v - b[i]), `${py[k].id} state ${i}`).toBeLessThanOrEqual(1e-9));
    }
  });

  it('runs a function written the way DeepRacer documents it (docstring, params[...] reads, an int return)', async () => {
    const f = await python(
      "def reward_function(params):\n    '''\n    Reward staying close to the centre\n    '''\n    track_width = params['track_width']\n    distance_from_center = params['distance_from_center']\n    if distance_from_center <= 0.1 * track_width:\n        reward = 1\n    else:\n        reward = 1e-3\n    return reward\n",
    );
    const [centre] = sampleStates(track).map((s) => s.params);
    expect(f.evaluate([centre])).toEqual([1]);
  });

  it('one batched call equals one call per car', async () => {
    const f = await python("import math\ndef reward_function(params):\n    return math.exp(-params['distance_from_center']) * params['speed'] + params['closest_waypoints'][1] / 1000 + (1 if params['is_left_of_center'] else 0)\n");
    const states = randomStates(16, 3);
    const batch = f.evaluate(states);
    expect(batch).toEqual(states.map((s) => f.evaluate([s])[0]));
  });

  it('sees every params key with DeepRacer\'s types', async () => {
    const f = await python(
      "def reward_function(params):\n    assert isinstance(params['all_wheels_on_track'], bool)\n    assert isinstance(params['steps'], int)\n    assert isinstance(params['waypoints'], list) and len(params['waypoints']) == 119\n    assert params['waypoints'][0] == (3.059734, 0.682655)\n    assert isinstance(params['closest_waypoints'], list) and all(isinstance(i, int) for i in params['closest_waypoints'])\n    assert params['objects_location'] == [] and params['is_crashed'] is False\n    return float(len(params))\n",
    );
    expect(f.evaluate(randomStates(3, 5))).toEqual([27, 27, 27]);
  });

  it('cars that see objects (object avoidance, head to bot) get the objects_* lists with DeepRacer\'s types', async () => {
    const f = await python(
      "def reward_function(params):\n    assert isinstance(params['x'], float) and isinstance(params['speed'], float) and isinstance(params['steps'], int)\n    assert params['objects_location'][1] == (3.0, 4.25) and isinstance(params['objects_location'][0][0], float)\n    assert params['objects_left_of_center'] == [True, False] and params['closest_objects'] == [0, 1]\n    assert isinstance(params['objects_distance'][0], float) and len(params['waypoints']) == 119 and params['waypoints'][0] == (3.059734, 0.682655)\n    return params['objects_distance'][1] + params['objects_location'][1][0] + params['x']\n",
    );
    const [plain] = randomStates(1, 7);
    const seen = { ...plain, speed: 2, objects_location: [[1, 2], [3, 4.25]] as [number, number][], objects_distance: [1, 2.5], objects_heading: [0, 1.5], objects_left_of_center: [true, false], objects_speed: [0, 0.5], objects_distance_from_center: [0.1, 0.2], closest_objects: [0, 1] };
    const r = f.evaluate([seen, { ...seen, x: seen.x + 1 }]);
    expect(r[0]).toBeCloseTo(2.5 + 3 + seen.x, 12);
    expect(r[1]).toBeCloseTo(2.5 + 3 + seen.x + 1, 12);
  });

  it('a function that mutates params cannot change what the next call sees', async () => {
    const f = await python("def reward_function(params):\n    n = len(params['waypoints'])\n    params['waypoints'].append((0, 0))\n    params['track_width'] = -1\n    return float(n)\n");
    expect(f.evaluate(randomStates(3, 9))).toEqual([119, 119, 119]);
  });

  it('seeds Python\'s random, so a run replays exactly', async () => {
    const code = 'import random\ndef reward_function(params):\n    return random.random()\n';
    const a = (await python(code)).evaluate(randomStates(4, 2));
    const b = (await python(code)).evaluate(randomStates(4, 2));
    expect(a).toEqual(b);
  });

  it('reports a syntax error with the Python message and line', async () => {
    const e = await pythonError('def reward_function(params):\n    reward = 1.0\n    if reward > 0\n        return reward\n');
    expect(e.kind).toBe('syntax');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/reward_function.py line 3: SyntaxError: expected ':'/);
  });

  it('reports an exception with its line, and suggests the params key for a typo', async () => {
    const e = await pythonError("def reward_function(params):\n    x = 1\n    return params['progres'] / 100\n");
    expect(e.kind).toBe('runtime');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/KeyError: 'progres' \('progres' is not a key of params; did you mean 'progress'\?\) \(at step \d+\)/);
  });

  it.each([
    ['numpy', 'import numpy as np', /numpy is not available here .* use the math module/],
    ['scipy', 'from scipy import stats', /scipy is not available here .* statistics/],
    ['shapely', 'from shapely.geometry import Point', /shapely is not available here .* math.hypot/],
  ])('names %s and the standard-library way instead', async (_m, imp, text) => {
    const e = await pythonError(`${imp}\ndef reward_function(params):\n    return 1.0\n`);
    expect(e.line).toBe(1);
    expect(e.message).toMatch(text);
  });

  it('applies DeepRacer\'s rules to the returned value (float(reward), NaN, range)', async () => {
    expect((await pythonError("def reward_function(params):\n    return 'fast'\n")).message).toMatch(/returned 'fast' \(str\) .* float\(reward\), which failed/);
    expect((await pythonError("def reward_function(params):\n    return float('nan')\n")).message).toMatch(/NaN/);
    expect((await pythonError('def reward_function(params):\n    return 1e6\n')).message).toMatch(/±1e5/);
    expect((await pythonError('def reward(params):\n    return 1\n')).kind).toBe('missing-function');
    const f = await python("def reward_function(params):\n    return '0.5'\n");
    expect(f.evaluate(randomStates(1, 1))).toEqual([0.5]); // float('0.5') is what DeepRacer does
  });

  it('sends print output to the log', async () => {
    const lines: string[] = [];
    const f = await compileRewardFunction({ code: "def reward_function(params):\n    print('steps', params['steps'])\n    return 1.0\n", language: 'python' }, { onPrint: (l) => lines.push(l) });
    const states = randomStates(2, 4);
    f.evaluate(states);
    expect(lines).toEqual(states.map((s) => `steps ${s.steps}`));
  });
});
