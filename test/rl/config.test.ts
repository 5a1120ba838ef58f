import { describe, expect, it } from 'vitest';
import {
  DEEPRACER_HYPERPARAMETERS,
  defaultPpoConfig,
  fromDeepRacerHyperparameters,
  isDeepRacerBatchSize,
  resolvePpoConfig,
  toDeepRacerHyperparameters,
} from '../../src/rl/config';

describe('PpoConfig', () => {
  it('defaults to DeepRacer PPO hyperparameters', () => {
    const c = resolvePpoConfig();
    expect(toDeepRacerHyperparameters(c)).toEqual({
      batch_size: 64,
      num_epochs: 10,
      lr: 0.0003,
      beta_entropy: 0.01,
      discount_factor: 0.999,
      loss_type: 'huber',
      num_episodes_between_training: 20,
    });
    for (const h of DEEPRACER_HYPERPARAMETERS) expect(c[h.field]).toBe(h.default);
    expect(c.hiddenSizes).not.toBe(defaultPpoConfig.hiddenSizes);
  });

  it.each([
    [{ gamma: 1.5 }, "PpoConfig.gamma must be in [0, 1] (DeepRacer 'Discount factor'), got 1.5"],
    [{ minibatchSize: 0 }, "PpoConfig.minibatchSize must be a positive integer (DeepRacer 'Gradient descent batch size'), got 0"],
    [{ learningRate: 0 }, "PpoConfig.learningRate must be in (0, 1] (DeepRacer 'Learning rate'), got 0"],
    [{ valueLoss: 'l1' as 'mse' }, "PpoConfig.valueLoss must be 'huber' or 'mse' (DeepRacer 'Loss type'), got \"l1\""],
    [{ hiddenSizes: [] }, 'PpoConfig.hiddenSizes must be a non-empty array of positive integers, got []'],
    [{ annealLr: true }, /annealLr needs PpoConfig.totalTimesteps/],
    [{ gama: 0.9 } as object, /unknown field 'gama'/],
  ])('rejects %o', (partial, message) => {
    expect(() => resolvePpoConfig(partial)).toThrow(message);
  });

  it('accepts any positive minibatch size; the DeepRacer console list is a separate check', () => {
    expect(resolvePpoConfig({ minibatchSize: 7 }).minibatchSize).toBe(7);
    expect(isDeepRacerBatchSize(7)).toBe(false);
    expect(isDeepRacerBatchSize(128)).toBe(true);
  });

  it('round-trips DeepRacer hyperparameters.json', () => {
    const json = { batch_size: '128', num_epochs: 3, lr: 1e-4, beta_entropy: 0, discount_factor: 0.99, loss_type: 'mean squared error', num_episodes_between_training: 40, sac_alpha: 0.2 };
    const partial = fromDeepRacerHyperparameters(json);
    expect(partial).toEqual({ minibatchSize: 128, updateEpochs: 3, learningRate: 1e-4, entropyCoef: 0, gamma: 0.99, valueLoss: 'mse', episodesPerIteration: 40 });
    const { sac_alpha: _, ...rest } = json;
    expect(toDeepRacerHyperparameters(resolvePpoConfig(partial))).toEqual({ ...rest, batch_size: 128 });
    expect(() => fromDeepRacerHyperparameters({ loss_type: 'l1' })).toThrow(/loss_type must be 'huber' or 'mean squared error'/);
    expect(() => fromDeepRacerHyperparameters({ lr: 'fast' })).toThrow(/hyperparameters.lr must be a number, got "fast"/);
  });
});
