import { describe, expect, it } from 'vitest';
import { presetById, presetReward, RACE_PRESET } from '../../src/race/presets';
import { compileJsReward } from '../../src/reward/js-reward';
import { sampleStates } from '../../src/reward/sample-states';
import { shippedTrack } from '../helpers/tracks';

describe('the racing setup', () => {
  it('offers actions up to 4 m/s, discrete and continuous', () => {
    const d = RACE_PRESET.actionSpaces.discrete;
    expect(d.type === 'discrete' && d.actions.length).toBe(15);
    expect(d.type === 'discrete' && Math.max(...d.actions.map((a) => a.speed))).toBe(4);
    const c = RACE_PRESET.actionSpaces.continuous;
    expect(c.type === 'continuous' && c.speed).toEqual({ low: 1, high: 4 });
  });

  it('its reward pays a faster finished lap more, speed on the road, and almost nothing off it', () => {
    const f = compileJsReward(presetReward(RACE_PRESET, 'javascript').code);
    const [base] = sampleStates(shippedTrack('reinvent_base')).map((s) => s.params);
    const [fast, slow, onRoad, offRoad, slowOnRoad] = f.evaluate([
      { ...base, progress: 100, steps: 80, speed: 4 },
      { ...base, progress: 100, steps: 160, speed: 4 },
      { ...base, progress: 50, steps: 40, speed: 4, all_wheels_on_track: true, is_offtrack: false },
      { ...base, progress: 50, steps: 40, speed: 4, all_wheels_on_track: false, is_offtrack: true },
      { ...base, progress: 50, steps: 40, speed: 2, all_wheels_on_track: true, is_offtrack: false },
    ]) as number[];
    expect(fast).toBeGreaterThan(slow);
    expect(onRoad).toBeGreaterThan(slowOnRoad);
    expect(offRoad).toBeLessThan(slowOnRoad);
  });

  it('names the presets for an unknown id', () => {
    expect(() => presetById('rally')).toThrow(/unknown preset 'rally': use one of race/);
  });
});
