/**
 * Continuous-control learning gate: PPO's Gaussian head on Pendulum-v1 must reach a greedy mean return ≥ −250 over
 * 10 evaluation episodes within 200k env steps. Published answer: rl-baselines3-zoo's PPO on Pendulum-v1 reaches
 * about −172 at 100k steps with gSDE. Hyperparameters from its `hyperparams/ppo.yml` Pendulum-v1 entry (n_envs 4,
 * n_steps 1024, gae_lambda 0.95, gamma 0.9, n_epochs 10, ent_coef 0, lr 1e-3, clip 0.2) without gSDE (Raceline's
 * head has a state-independent log-std), minibatch 64 (SB3's default batch), squared-error value loss with weight
 * 0.5 as SB3. Measured here: seed 1 gives −184 after 200,704 steps (about 50 s, Node, tfjs-wasm).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PpoTrainer } from '../../src/rl/ppo';
import { PendulumEnv } from '../../src/sim/classic/pendulum';
import { SyncVectorEnv } from '../../src/sim/sync-vector-env';
import { initTf } from '../helpers/tf';

const TOTAL_TIMESTEPS = 200_000;

describe('PPO continuous learning gate', () => {
  beforeAll(initTf);

  it(
    'swings up and holds Pendulum-v1 (greedy mean return ≥ −250 over 10 episodes) within 200k steps',
    async () => {
      const numEnvs = 4;
      const vec = new SyncVectorEnv(Array.from({ length: numEnvs }, () => new PendulumEnv()));
      const trainer = new PpoTrainer(vec, {
        numEnvs,
        numSteps: 1024,
        minibatchSize: 64,
        gaeLambda: 0.95,
        gamma: 0.9,
        updateEpochs: 10,
        entropyCoef: 0,
        learningRate: 1e-3,
        annealLr: true,
        totalTimesteps: TOTAL_TIMESTEPS,
        clipRange: 0.2,
        valueLoss: 'mse',
        valueCoef: 0.5,
        seed: 1,
      });
      await trainer.init();
      while (trainer.globalStep < TOTAL_TIMESTEPS) await trainer.iteration();
      expect(trainer.globalStep).toBeLessThanOrEqual(TOTAL_TIMESTEPS + numEnvs * 1024);

      const env = new PendulumEnv();
      const returns: number[] = [];
      for (let episode = 0; episode < 10; episode++) {
        let observation = env.reset({ seed: 1000 + episode }).observation;
        let episodicReturn = 0;
        for (;;) {
          const { actions } = await trainer.policy.act(observation, 1, { deterministic: true });
          const r = env.step(Float32Array.from([actions[0]]));
          episodicReturn += r.reward;
          observation = r.observation;
          if (r.terminated || r.truncated) break;
        }
        returns.push(episodicReturn);
      }
      trainer.dispose();
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      expect(mean, `greedy returns ${returns.map((r) => r.toFixed(0)).join(', ')}`).toBeGreaterThanOrEqual(-250);
    },
    300_000,
  );
});
