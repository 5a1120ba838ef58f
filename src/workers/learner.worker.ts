/**
 * Learner worker: owns the policy being trained and Adam's state, and runs the PPO update on the
 * tfjs backend it measured fastest at start (WebGPU, WebGL, WASM or CPU). The studio's `PolicyUpdater`
 * (`PpoTrainer.iteration` calls it through `RemoteUpdater` in training-client.ts): it receives the sim
 * workers' shares (GAE already computed) and returns the new flat weights, transferred.
 */
import * as Comlink from 'comlink';
import { selectBackend } from '../rl/backend';
import { ActorCritic } from '../rl/policy';
import { ActorCriticNetwork } from '../rl/networks';
import { PpoLearner } from '../rl/learner';
import { trainingStreams, updateFromShares, type RolloutShare, type UpdateOutcome } from '../rl/rollout-source';
import { Rng } from '../sim/rng';
import { box, discrete } from '../sim/spaces';
import type { LearnerInit, LearnerReady, NetworkBlob } from './protocol';

export class LearnerWorker {
  private learner: PpoLearner | null = null;

  /**
   * Picks the backend by measurement and builds the policy: fresh weights seeded by `trainingStreams`, or
   * `init.network`. @throws Error when no backend initialises or the given network does not fit.
   */
  async init(init: LearnerInit): Promise<LearnerReady> {
    const choice = await selectBackend({ preferred: init.backends, wasmPaths: init.wasmPaths, workload: init.embedder?.image ? 'cnn' : 'mlp' });
    const cfg = init.config;
    const streams = trainingStreams(cfg.seed, 1); // the weight and shuffle seeds do not depend on the shard count
    const actionSpace = init.actionKind.type === 'discrete' ? discrete(init.actionKind.n) : box([init.actionKind.size], -1, 1);
    const policy = init.network
      ? new ActorCritic(ActorCriticNetwork.fromSerialized({ spec: init.network.spec as never, weightData: init.network.weights.slice().buffer }))
      : ActorCritic.create(box([init.observationSize], init.embedder ? 0 : -5, init.embedder ? 255 : 5), actionSpace, { hiddenSizes: cfg.hiddenSizes, activation: cfg.activation, seed: streams.weightSeed, embedder: init.embedder ?? null });
    this.learner?.policy.dispose();
    this.learner?.dispose();
    this.learner = new PpoLearner(cfg, policy, new Rng(streams.shuffleSeed));
    return { backend: choice.name, reason: choice.reason, timingsMs: choice.timingsMs, network: await this.network() };
  }

  /** The current network (spec and a copy of the weights). */
  async network(): Promise<NetworkBlob> {
    if (!this.learner) throw new Error('LearnerWorker.network before init');
    const net = this.learner.policy.network;
    return { spec: net.spec, weights: await net.getFlatWeights() };
  }

  /** One PPO update over the sim workers' shares at `learningRate`. @returns losses and the new weights (transferred). */
  async update(shares: RolloutShare[], learningRate: number): Promise<UpdateOutcome> {
    const learner = this.learner;
    if (!learner) throw new Error('LearnerWorker.update before init');
    const outcome = await updateFromShares(learner, shares, learningRate);
    const weights = await learner.policy.network.getFlatWeights();
    return Comlink.transfer({ ...outcome, weights }, [weights.buffer as ArrayBuffer]);
  }
}

Comlink.expose(new LearnerWorker());
