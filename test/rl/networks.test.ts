import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCriticNetwork, initialWeights, modelJson, networkFromModelJson, paramLayout, type NetworkSpec } from '../../src/rl/networks';
import { orthogonalMatrix } from '../../src/rl/orthogonal';
import { Rng } from '../../src/sim/rng';
import { initTf } from '../helpers/tf';

const discreteSpec: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 17, head: { type: 'discrete', n: 10 }, hiddenSizes: [64, 64], activation: 'tanh' };
const gaussianSpec: NetworkSpec = { ...discreteSpec, observationSize: 5, head: { type: 'gaussian', size: 2 }, hiddenSizes: [8], activation: 'relu' };

function outputs(net: ActorCriticNetwork, obs: number[][], predict = false) {
  return tf.tidy(() => {
    const x = tf.tensor2d(obs);
    const o = predict ? net.predict(x) : net.forward(x);
    return {
      logits: o.logits?.arraySync(),
      mean: o.mean?.arraySync(),
      logStd: o.logStd ? Array.from(o.logStd.dataSync()) : undefined,
      value: Array.from(o.value.dataSync()),
      shapes: { head: (o.logits ?? o.mean)!.shape, value: o.value.shape },
    };
  });
}

const rows = (n: number, d: number, seed: number) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
};

describe('orthogonalMatrix', () => {
  it.each([
    [6, 4],
    [4, 6],
  ])('%i×%i has orthonormal columns or rows times the gain', (r, c) => {
    const gain = 1.5;
    const m = orthogonalMatrix(r, c, gain, new Rng(1));
    const k = Math.min(r, c);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let t = 0; t < Math.max(r, c); t++) dot += r >= c ? m[t * c + i] * m[t * c + j] : m[i * c + t] * m[j * c + t];
        expect(dot).toBeCloseTo(i === j ? gain * gain : 0, 5);
      }
    }
  });
});

describe('ActorCriticNetwork', () => {
  beforeAll(initTf);

  it('lays out CleanRL-style towers and initial weights', () => {
    const layout = paramLayout(discreteSpec);
    expect(layout.map((p) => `${p.name}[${p.shape}]`)).toEqual([
      'policy/dense_0/kernel[17,64]', 'policy/dense_0/bias[64]', 'policy/dense_1/kernel[64,64]', 'policy/dense_1/bias[64]',
      'policy/logits/kernel[64,10]', 'policy/logits/bias[10]',
      'value/dense_0/kernel[17,64]', 'value/dense_0/bias[64]', 'value/dense_1/kernel[64,64]', 'value/dense_1/bias[64]',
      'value/out/kernel[64,1]', 'value/out/bias[1]',
    ]);
    const w = initialWeights(discreteSpec, 7);
    const norm = (name: string) => {
      const p = layout.find((q) => q.name === name)!;
      return Math.sqrt(w.subarray(p.offset, p.offset + p.size).reduce((a, x) => a + x * x, 0));
    };
    // Orthogonal: ‖W‖_F = gain·√min(in, out); biases zero.
    expect(norm('policy/dense_1/kernel')).toBeCloseTo(Math.SQRT2 * 8, 3);
    expect(norm('policy/logits/kernel')).toBeCloseTo(0.01 * Math.sqrt(10), 5);
    expect(norm('value/out/kernel')).toBeCloseTo(1, 5);
    expect(norm('value/dense_0/bias')).toBe(0);
    expect(initialWeights(discreteSpec, 7)).toEqual(w);
    expect(initialWeights(discreteSpec, 8)).not.toEqual(w);
  });

  it('forward gives [n, actions] logits and [n] values; predict agrees', () => {
    const net = ActorCriticNetwork.create(discreteSpec, 3);
    const obs = rows(5, 17, 1);
    const a = outputs(net, obs);
    expect(a.shapes).toEqual({ head: [5, 10], value: [5] });
    const b = outputs(net, obs, true);
    expect(b.value).toEqual(a.value);
    expect(b.logits).toEqual(a.logits);
    net.dispose();
  });

  it('Gaussian head: mean [n, size], log-std clipped to [-20, 2]', async () => {
    const net = ActorCriticNetwork.create(gaussianSpec, 3);
    const weights = await net.getWeights();
    weights.find((w) => w.name === 'policy/log_std')!.data.set([5, -0.5]);
    net.setWeights(weights);
    const o = outputs(net, rows(3, 5, 2), true);
    expect(o.shapes.head).toEqual([3, 2]);
    expect(o.logStd![0]).toBeCloseTo(2, 6);
    expect(o.logStd![1]).toBeCloseTo(-0.5, 6);
    net.dispose();
  });

  it('round-trips weights through getWeights/setWeights, serialize and tf.io artifacts', async () => {
    const a = ActorCriticNetwork.create(discreteSpec, 1);
    const b = ActorCriticNetwork.create(discreteSpec, 2);
    const obs = rows(4, 17, 3);
    expect(outputs(b, obs).value).not.toEqual(outputs(a, obs).value);
    b.setWeights(await a.getWeights());
    expect(outputs(b, obs, true)).toEqual(outputs(a, obs, true));

    const c = ActorCriticNetwork.fromSerialized(await a.serialize());
    expect(outputs(c, obs)).toEqual(outputs(a, obs));

    const artifacts = await a.toArtifacts();
    // tf.io reads the same layout: decoded tensors carry our names and values.
    const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    const named = await a.getWeights();
    expect(Object.keys(decoded)).toEqual(named.map((w) => w.name));
    expect(Array.from(decoded['value/out/kernel'].dataSync())).toEqual(Array.from(named.find((w) => w.name === 'value/out/kernel')!.data));
    Object.values(decoded).forEach((t) => t.dispose());

    const json = JSON.parse(JSON.stringify(modelJson(artifacts)));
    const d = networkFromModelJson(json, artifacts.weightData.slice(0));
    expect(outputs(d, obs)).toEqual(outputs(a, obs));
    [a, b, c, d].forEach((n) => n.dispose());
  });

  it('rejects mismatched weights with a clear message', () => {
    const net = ActorCriticNetwork.create(gaussianSpec, 1);
    expect(() => net.setWeights(new Float32Array(3))).toThrow(/3 values given, the network has/);
    expect(() => net.setWeights([{ name: 'policy/log_std', shape: [2], data: new Float32Array(2) }])).toThrow(/'policy\/dense_0\/kernel' is missing/);
    expect(() => ActorCriticNetwork.fromSerialized({ spec: { ...gaussianSpec, version: 3 as 1 }, weightData: new ArrayBuffer(4) })).toThrow(/version 3 is not supported.*update Raceline/);
    expect(() => ActorCriticNetwork.fromSerialized({ spec: { ...gaussianSpec, version: 2 }, weightData: new ArrayBuffer(4) })).toThrow(/embedder missing/);
    net.dispose();
  });

  it('does not leak tensors across forward, predict and updates', () => {
    const net = ActorCriticNetwork.create(discreteSpec, 1);
    outputs(net, rows(2, 17, 1), true);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      outputs(net, rows(2, 17, 1), true);
      net.applyUpdate(tf.zeros([net.numParams]) as tf.Tensor1D);
      outputs(net, rows(2, 17, 1), true);
    }
    // One zeros tensor per update was created by the test itself and not disposed.
    expect(tf.memory().numTensors - before).toBe(3);
    net.dispose();
  });
});
