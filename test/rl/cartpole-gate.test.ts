/**
 * Learning gate: PPO on CartPole-v1 must reach a greedy mean return ≥ 475 over 10 evaluation episodes
 * within 100k env steps, the rl-baselines3-zoo result (PPO solves CartPole-v1, 500 ± 0, in 1e5 steps).
 * Hyperparameters: rl-baselines3-zoo `hyperparams/ppo.yml` CartPole-v1 (n_envs 8, n_steps 32, batch 256,
 * gae_lambda 0.8, gamma 0.98, n_epochs 20, ent_coef 0, lr lin_1e-3, clip 0.2 — held constant here) with
 * SB3's value loss: squared error with weight 0.5 (here ½e² × valueCoef 1). DeepRacer's default Huber loss
 * learns the ~50-valued returns too slowly: with it seed 3 collapsed after reaching 500 (dead value tower).
 * Seeds 1–10 all reach a greedy mean of 500 with these settings (Node, tfjs-wasm, about 35 s each).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PpoTrainer } from '../../src/rl/ppo';
import { CartPoleEnv } from '../../src/sim/classic/cart-pole';
import { SyncVectorEnv } from '../../src/sim/sync-vector-env';
import { initTf } from '../helpers/tf';

const TOTAL_TIMESTEPS = 100_000;
const SEED = 1;

describe('PPO learning gate', () => {
  beforeAll(initTf);

  it(
    'solves CartPole-v1 (greedy mean return ≥ 475 over 10 episodes) within 100k steps',
    async () => {
      const numEnvs = 8;
      const vec = new SyncVectorEnv(Array.from({ length: numEnvs }, () => new CartPoleEnv()));
      const trainer = new PpoTrainer(vec, {
        numEnvs,
        numSteps: 32,
        minibatchSize: 256,
        gaeLambda: 0.8,
        gamma: 0.98,
        updateEpochs: 20,
        entropyCoef: 0,
        learningRate: 1e-3,
        annealLr: true,
        totalTimesteps: TOTAL_TIMESTEPS,
        clipRange: 0.2,
        valueLoss: 'mse',
        valueCoef: 1,
        seed: SEED,
      });
      await trainer.init();
      while (trainer.globalStep < TOTAL_TIMESTEPS) await trainer.iteration();
      expect(trainer.globalStep).toBeLessThanOrEqual(TOTAL_TIMESTEPS + numEnvs * 32);

      const env = new CartPoleEnv();
      const returns: number[] = [];
      for (let episode = 0; episode < 10; episode++) {
        let observation = env.reset({ seed: 10_000 + episode }).observation;
        let episodicReturn = 0;
        for (;;) {
          const { actions } = await trainer.policy.act(observation, 1, { deterministic: true });
          const r = env.step(actions[0]);
          episodicReturn += r.reward;
          observation = r.observation;
          if (r.terminated || r.truncated) break;
        }
        returns.push(episodicReturn);
      }
      trainer.dispose();
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      expect(mean, `greedy returns ${returns.join(', ')}`).toBeGreaterThanOrEqual(475);
    },
    240_000,
  );
});
