/**
 * Learner worker: owns the policy being trained and Adam's state, and runs the PPO update on the
 * tfjs backend it measured fastest at start (WebGPU, WebGL, WASM or CPU). Receives rollout shares
 * from the sim workers (with GAE already computed), returns the new flat weights.
 */
import * as Comlink from 'comlink';
import { selectBackend } from '../rl/backend';
import { ActorCritic } from '../rl/policy';
import { ActorCriticNetwork } from '../rl/networks';
import { PpoLearner } from '../rl/learner';
import { explainedVariance } from '../rl/ppo';
import { Rng } from '../sim/rng';
import { box, discrete } from '../sim/spaces';
import type { LearnerInit, LearnerReady, NetworkBlob, RolloutShare, UpdateResult } from './protocol';

/** Concatenates typed arrays of one kind. */
function concat<T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class LearnerWorker {
  private learner: PpoLearner | null = null;

  /**
   * Picks the backend by measurement and builds the policy: fresh seeded weights, or `init.network`.
   * @throws Error when no backend initialises or the given network does not fit.
   */
  async init(init: LearnerInit): Promise<LearnerReady> {
    const choice = await selectBackend({ preferred: init.backends, wasmPaths: init.wasmPaths, workload: init.embedder?.image ? 'cnn' : 'mlp' });
    const cfg = init.config;
    const root = new Rng(cfg.seed);
    const weightSeed = root.nextUint32();
    const shuffleRng = root.fork();
    const actionSpace = init.actionKind.type === 'discrete' ? discrete(init.actionKind.n) : box([init.actionKind.size], -1, 1);
    const policy = init.network
      ? new ActorCritic(ActorCriticNetwork.fromSerialized({ spec: init.network.spec as never, weightData: init.network.weights.slice().buffer }))
      : ActorCritic.create(box([init.observationSize], init.embedder ? 0 : -5, init.embedder ? 255 : 5), actionSpace, { hiddenSizes: cfg.hiddenSizes, activation: cfg.activation, seed: weightSeed, embedder: init.embedder ?? null });
    this.learner?.policy.dispose();
    this.learner?.dispose();
    this.learner = new PpoLearner(cfg, policy, shuffleRng);
    return { backend: choice.name, reason: choice.reason, timingsMs: choice.timingsMs, network: await this.network() };
  }

  /** The current network (spec and a copy of the weights). */
  async network(): Promise<NetworkBlob> {
    if (!this.learner) throw new Error('LearnerWorker.network before init');
    const net = this.learner.policy.network;
    return { spec: net.spec, weights: await net.getFlatWeights() };
  }

  /** One PPO update over the sim workers' shares. @returns losses and the new weights (transferred). */
  async update(shares: RolloutShare[]): Promise<UpdateResult> {
    const learner = this.learner;
    if (!learner) throw new Error('LearnerWorker.update before init');
    const f32 = (n: number) => new Float32Array(n);
    const batch = {
      size: shares.reduce((a, s) => a + s.size, 0),
      observations: concat(shares.map((s) => s.observations), f32),
      actions: learner.policy.discrete ? concat(shares.map((s) => s.actions as Int32Array), (n) => new Int32Array(n)) : concat(shares.map((s) => s.actions as Float32Array), f32),
      logProbs: concat(shares.map((s) => s.logProbs), f32),
      values: concat(shares.map((s) => s.values), f32),
    };
    const advantages = concat(shares.map((s) => s.advantages), f32);
    const returns = concat(shares.map((s) => s.returns), f32);
    const t0 = performance.now();
    const { means, epochsRun } = await learner.update(batch, advantages, returns);
    const updateMs = performance.now() - t0;
    const weights = await learner.policy.network.getFlatWeights();
    const result: UpdateResult = { losses: { ...means, explainedVariance: explainedVariance(batch.values, returns) }, epochsRun, samples: batch.size, updateMs, weights };
    return Comlink.transfer(result, [weights.buffer as ArrayBuffer]);
  }
}

Comlink.expose(new LearnerWorker());
