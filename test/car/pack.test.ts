import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../helpers/tf';
import { shippedTrack } from '../helpers/tracks';
import { fixtureInput, fixtureSource, FIXTURE_MODEL } from './fixture';
import { loadModel } from '../../src/cli/load-model';
import { buildPack, packContentFor, policyLayout, quantizeInt8 } from '../../src/car/pack-build';
import { PACK_HEADER_SIZE, parsePackBody, readPack, writePack } from '../../src/car/pack';
import { packForward, packPolicyAct } from '../../src/car/pack-inference';
import { recordObservations } from '../../src/car/observation-recorder';
import { FormatError } from '../../src/car/byte-io';
import { initialWeights, paramLayout, type NetworkSpec } from '../../src/rl/networks';
import { Rng } from '../../src/sim/rng';

describe('car pack format', () => {
  it('round-trips the fixture model: layers, specs and weights survive write and read', async () => {
    const source = fixtureSource();
    const content = packContentFor(source, { name: 'fixture' });
    const bytes = await writePack(content);
    const pack = await readPack(bytes);
    expect(pack.name).toBe('fixture');
    expect(pack.sensors).toEqual([{ name: 'TRACK_GEOMETRY', size: 22 }]);
    expect(pack.preprocessing).toEqual([{ op: 'clip', low: -5, high: 5 }]);
    expect(pack.layers.map((l) => l.kind)).toEqual(['dense', 'tanh', 'dense', 'tanh', 'dense']);
    expect(pack.action).toEqual(content.action);
    pack.layers.forEach((l, i) => {
      const c = content.layers[i];
      if (l.kind === 'dense' && c.kind === 'dense') {
        expect(l.kernel.data).toEqual(c.kernel.data);
        expect(l.bias.data).toEqual(c.bias.data);
        expect(l.kernel.shape).toEqual([l.inSize, l.outSize]);
      }
    });
    expect(pack.byteLength).toBe(bytes.length);
    // the same content gives the same bytes and hash
    expect(await writePack(content)).toEqual(bytes);
  });

  it('takes exactly the policy weights, in the order of paramLayout', () => {
    const spec: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'gaussian', size: 2 }, hiddenSizes: [32, 16], activation: 'relu' };
    const mine = policyLayout(spec);
    const theirs = paramLayout(spec);
    expect(mine.map((p) => [p.name, p.shape, p.offset])).toEqual(theirs.slice(0, mine.length).map((p) => [p.name, p.shape, p.offset]));
    expect(theirs[mine.length].name).toBe('policy/log_std'); // left out: the car acts on the mean
  });

  it('refuses corrupt, truncated, newer and reserved-layer packs with a message that names the problem', async () => {
    const bytes = await buildPack(fixtureSource());
    const flipped = bytes.slice();
    flipped[200] ^= 1;
    await expect(readPack(flipped)).rejects.toThrow(/does not match its bytes \(.*\): the pack is corrupt/);
    await expect(readPack(bytes.subarray(0, 1000))).rejects.toThrow(/truncated or padded/);
    const newer = bytes.slice();
    newer[4] = 3;
    expect(() => parsePackBody(newer)).toThrow(/version 3 is not supported \(this reader reads versions 1 to 2\)/);
    const mislabelled = bytes.slice();
    mislabelled[4] = 2;
    expect(() => parsePackBody(mislabelled)).toThrow(/version 2 does not match its layers/);
    const notPack = bytes.slice();
    notPack[0] = 0x50;
    expect(() => parsePackBody(notPack)).toThrow(/a car pack starts with 'RLPK'/);
    // the first layer record follows the u16 layer count and u16 reserved; make it a conv2d
    const conv = bytes.slice();
    conv[layerSectionStart(bytes) + 4] = 0x10;
    expect(() => parsePackBody(conv)).toThrow(/layer 0 has unknown kind 0x10 in a version-1 pack \(conv2d and parallel need version 2\)/);
    const pool = bytes.slice();
    pool[layerSectionStart(bytes) + 4] = 0x11;
    expect(() => parsePackBody(pool)).toThrow(/layer 0 is max_pool2d, reserved for a later pack version/);
    expect(bytes.length).toBeGreaterThan(PACK_HEADER_SIZE);
  });

  it('refuses a network whose head does not fit the action space', () => {
    const source = fixtureSource();
    expect(() => packContentFor({ ...source, actionSpace: { type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 1 } } })).toThrow(FormatError);
    expect(() => packContentFor({ ...source, sensorNames: ['SONAR'] })).toThrow(/car pack: sensors: unknown sensor "SONAR"/);
    expect(() => packContentFor({ ...source, sensorNames: ['LIDAR'] })).toThrow(/sensors LIDAR give 64 values, the network reads 22/);
  });
});

/** Offset of the u16 layer count (found by walking the variable-length fields like a reader). */
function layerSectionStart(bytes: Uint8Array): number {
  let at = 12;
  at += 1 + bytes[at]; // name
  const sensors = bytes[at++];
  for (let i = 0; i < sensors; i++) at += 1 + bytes[at] + 2;
  at += 1 + bytes[at] * 9; // preprocessing
  const kind = bytes[at++];
  at += kind === 1 ? 2 + (bytes[at] | (bytes[at + 1] << 8)) * 8 : 16;
  return at + ((4 - (at % 4)) % 4);
}

describe('int8 quantisation', () => {
  it('keeps every weight within half a step of the original', () => {
    const rng = new Rng(5);
    const w = Float32Array.from({ length: 1000 }, () => rng.normal() * 0.3);
    const q = quantizeInt8(w, [1000]);
    const maxAbs = Math.max(...w.map(Math.abs));
    expect(q.scale).toBeCloseTo(maxAbs / 127, 7);
    w.forEach((v, i) => expect(Math.abs(q.data[i] * q.scale - v)).toBeLessThanOrEqual(q.scale / 2 + 1e-7));
    expect(Math.max(...q.data.map(Math.abs))).toBe(127);
    expect(quantizeInt8(new Float32Array(4), [4]).scale).toBe(1);
  });

  it('keeps a continuous policy\'s mean within 2% of the action range', async () => {
    const spec: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'gaussian', size: 2 }, hiddenSizes: [64, 64], activation: 'tanh' };
    const weights = initialWeights(spec, 3);
    // a trained-like head: initial output weights are tiny (gain 0.01), scale them up
    const head = policyLayout(spec).find((p) => p.name === 'policy/mean/kernel')!;
    for (let i = head.offset; i < head.offset + 128; i++) weights[i] *= 100;
    const source = { spec, weights, actionSpace: { type: 'continuous' as const, steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 3 } }, sensorNames: ['TRACK_GEOMETRY'] };
    const f = parsePackBody(await buildPack(source));
    const q = parsePackBody(await buildPack(source, { weightType: 'int8' }));
    const rng = new Rng(9);
    let worst = 0;
    for (let k = 0; k < 500; k++) {
      const obs = Float32Array.from({ length: 22 }, () => rng.normal());
      const a = packPolicyAct(f, obs);
      const b = packPolicyAct(q, obs);
      expect(a.index).toBe(-1);
      worst = Math.max(worst, Math.abs(a.steering_angle - b.steering_angle) / 60, Math.abs(a.speed - b.speed) / 2.5);
    }
    expect(worst).toBeLessThan(0.02);
  });
});

describe('pack inference against the trained network', () => {
  let observations: Float32Array;
  beforeAll(async () => {
    await initTf();
  });

  it('the float32 pack chooses the same action as the tfjs policy on recorded observations', async () => {
    const input = await fixtureInput();
    observations = input.observations;
    const n = observations.length / 22;
    const model = loadModel(FIXTURE_MODEL);
    const { actions } = await model.policy.act(observations, n, { deterministic: true });
    const pack = parsePackBody(input.float32);
    const logits = tf.tidy(() => model.policy.network.predict(tf.tensor2d(observations, [n, 22])).logits!.arraySync());
    let same = 0;
    let maxDiff = 0;
    for (let i = 0; i < n; i++) {
      const obs = observations.subarray(i * 22, (i + 1) * 22);
      if (packPolicyAct(pack, obs).index === actions[i]) same++;
      packForward(pack, obs).forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - logits[i][k]))));
    }
    expect(same).toBe(n);
    expect(maxDiff).toBeLessThan(1e-4);
    model.policy.dispose();
  });

  it('int8 actions agree with float32 actions on 3,000 recorded observations (docs/car-protocol.md §6.4)', async () => {
    const input = await fixtureInput();
    const float32 = parsePackBody(input.float32);
    const int8 = parsePackBody(input.int8);
    const obs = recordObservations({ track: shippedTrack('reinvent_base'), actionSpace: input.source.actionSpace, pack: float32, count: 3000, seed: 2 });
    let same = 0;
    for (let i = 0; i < 3000; i++) {
      const o = obs.subarray(i * 22, (i + 1) * 22);
      if (packPolicyAct(float32, o).index === packPolicyAct(int8, o).index) same++;
    }
    console.log(`int8 agreement: ${same} of 3000 observations (${((100 * same) / 3000).toFixed(1)}%); pack sizes float32 ${input.float32.length} B, int8 ${input.int8.length} B`);
    expect(same / 3000).toBeGreaterThanOrEqual(0.98);
  });
});
