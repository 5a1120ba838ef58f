import { describe, expect, it } from 'vitest';
import { describeActionSpace, describeHyperparameters, describeSummary, fileNameFor, formatBytes, formatDuration, timeAgo } from '../../src/ui/model-summary';
import { defaultActionSpace } from '../../src/sim/action-space';
import { defaultPpoConfig } from '../../src/rl/config';

describe('model summaries', () => {
  it('describes action spaces and hyperparameters with DeepRacer values', () => {
    expect(describeActionSpace(defaultActionSpace())).toBe('10 discrete actions (steering ±30°, speed 0.5–1 m/s)');
    expect(describeActionSpace({ type: 'continuous', steering_angle: { low: -20, high: 20 }, speed: { low: 0.5, high: 2.5 } })).toBe(
      'continuous (steering -20–20°, speed 0.5–2.5 m/s)',
    );
    expect(describeHyperparameters(defaultPpoConfig)).toBe('batch 64 · 10 epochs · lr 0.0003 · entropy 0.01 · discount 0.999 · Huber loss · 20 episodes/iteration');
  });

  it('formats durations, sizes, results, ages and file names', () => {
    expect([formatDuration(0), formatDuration(59.4), formatDuration(185), formatDuration(3725)]).toEqual(['0 s', '59 s', '3 min 05 s', '1 h 02 min']);
    expect([formatBytes(512), formatBytes(48_123), formatBytes(3_200_000), formatBytes(10.7e9)]).toEqual(['512 bytes', '48.1 KB', '3.2 MB', '10.7 GB']);
    expect(describeSummary({ completed: 3, trials: 3, meanLapTimeS: 27.2, meanProgress: 100 })).toBe('3/3 laps, mean lap 27.20 s, progress 100.0%');
    expect(describeSummary({ completed: 0, trials: 3, meanLapTimeS: null, meanProgress: 42.5 })).toBe('0/3 laps, progress 42.5%');
    expect([timeAgo(1000, 10_000), timeAgo(0, 90_000), timeAgo(0, 7_200_000), timeAgo(0, 86_400_000)]).toEqual(['just now', '2 minutes ago', '2 hours ago', '1 day ago']);
    expect(fileNameFor('My car: fast/left', 'zip')).toBe('My_car_fast_left.zip');
    expect(fileNameFor('***', 'zip')).toBe('model.zip');
  });
});
