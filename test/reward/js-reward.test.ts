import { describe, expect, it } from 'vitest';
import { compileJsReward } from '../../src/reward/js-reward';
import { checkRewardValue, RewardError } from '../../src/reward/reward-function';
import { templatesFor } from '../../src/reward/examples';
import type { DeepRacerParams } from '../../src/reward/params';

const base = { track_width: 0.76, distance_from_center: 0, all_wheels_on_track: true, steering_angle: 0, steps: 2 } as DeepRacerParams;
const at = (over: Partial<DeepRacerParams>): DeepRacerParams => ({ ...base, ...over });

function expectRewardError(fn: () => unknown, kind: string, line: number | null, text: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RewardError);
    const err = e as RewardError;
    expect(err.kind).toBe(kind);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(text);
    return;
  }
  throw new Error('expected a RewardError');
}

describe('JavaScript reward functions', () => {
  it('the three DeepRacer examples give the documented rewards', () => {
    const [follow, borders, zigzag] = templatesFor('javascript').map((t) => compileJsReward(t.code));
    const w = 0.76;
    expect(follow.evaluate([at({ distance_from_center: 0.05 * w })])).toEqual([1]);
    expect(follow.evaluate([at({ distance_from_center: 0.2 * w })])).toEqual([0.5]);
    expect(follow.evaluate([at({ distance_from_center: 0.4 * w })])).toEqual([0.1]);
    expect(follow.evaluate([at({ distance_from_center: 0.6 * w })])).toEqual([1e-3]);
    expect(borders.evaluate([at({ distance_from_center: 0.5 * w - 0.06 })])).toEqual([1]);
    expect(borders.evaluate([at({ distance_from_center: 0.5 * w - 0.04 })])).toEqual([1e-3]);
    expect(borders.evaluate([at({ all_wheels_on_track: false })])).toEqual([1e-3]);
    expect(zigzag.evaluate([at({ steering_angle: -20 })])[0]).toBeCloseTo(0.8, 12);
    expect(zigzag.evaluate([at({ steering_angle: 10 })])).toEqual([1]);
  });

  it('reports a syntax error with its line', () => {
    expectRewardError(() => compileJsReward('function reward_function(params) {\n  let r = ;\n  return r;\n}'), 'syntax', 2, /line 2: syntax error/);
  });

  it('reports a missing reward_function', () => {
    expectRewardError(() => compileJsReward('function reward(params) { return 1 }'), 'missing-function', null, /no reward_function/);
  });

  it('reports a runtime error with the user line', () => {
    const f = compileJsReward('function reward_function(params) {\n  const a = 1;\n  if (params.steps === 40) {\n    throw new Error("boom");\n  }\n  return a;\n}');
    expect(f.evaluate([at({ steps: 39 })])).toEqual([1]);
    expectRewardError(() => f.evaluate([at({ steps: 40 })]), 'runtime', 4, /line 4: Error: boom/);
  });

  it('catches a misspelt params key with a suggestion', () => {
    const f = compileJsReward('function reward_function(params) {\n  return params.progres / 100;\n}');
    expectRewardError(() => f.evaluate([at({})]), 'runtime', 2, /'progres' is not a key of params \(did you mean 'progress'\?\)/);
  });
});

describe('DeepRacer reward validity', () => {
  it('accepts finite numbers within ±1e5', () => {
    expect(checkRewardValue(0.5, 3)).toBe(0.5);
    expect(checkRewardValue(-1e5, 3)).toBe(-1e5);
  });
  it.each([
    [Number.NaN, 'not-finite', /NaN/],
    [Infinity, 'not-finite', /Infinity/],
    [1e5 + 1, 'out-of-range', /±1e5/],
    ['1', 'not-a-number', /must return a number/],
    [undefined, 'not-a-number', /no return value/],
  ])('rejects %s', (value, kind, text) => {
    expectRewardError(() => checkRewardValue(value, 7), kind as string, null, text as RegExp);
  });
});
