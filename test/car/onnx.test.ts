/**
 * The ONNX export, checked by running it in onnxruntime-web (its Node build, WebAssembly backend, one
 * thread) on recorded observations and comparing with the car's own arithmetic (`packForward`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { fixtureInput, fixtureSource } from './fixture';
import { exportOnnx, ONNX_NAMES } from '../../src/car/onnx';
import { packContentFor } from '../../src/car/pack-build';
import { parsePackBody, type CarPackContent } from '../../src/car/pack';
import { packForward, packPolicyAct } from '../../src/car/pack-inference';
import { toHex } from '../../src/car/byte-io';
import type { NetworkSpec } from '../../src/rl/networks';
import { Rng } from '../../src/sim/rng';
import type { SensorName } from '../../src/sim/observation';
import { actionSpace, networkFor, observations } from './embedder-nets';

/** Runs an exported model on observations [count, size]; @returns its outputs by name. */
async function runOnnx(bytes: Uint8Array, observations: Float32Array[], size: number): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  const flat = new Float32Array(observations.length * size);
  observations.forEach((o, i) => flat.set(o, i * size));
  const result = await session.run({ [ONNX_NAMES.observation]: new ort.Tensor('float32', flat, [observations.length, size]) });
  await session.release();
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.data as Float32Array]));
}

describe('ONNX export (onnxruntime-web in Node)', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
  });

  it('the float32 and int8 fixture packs: same action as packPolicyAct on 600 recorded observations, logits within 1e-4', async () => {
    const { float32, int8, observations: flat } = await fixtureInput();
    const observations = Array.from({ length: flat.length / 22 }, (_, k) => flat.subarray(k * 22, (k + 1) * 22));
    expect(observations).toHaveLength(600);
    for (const bytes of [float32, int8]) {
      const pack = parsePackBody(bytes);
      const onnx = exportOnnx(pack, { modelHash: toHex(pack.hash) });
      const out = await runOnnx(onnx, observations, 22);
      expect(Object.keys(out).sort()).toEqual([ONNX_NAMES.logits, ONNX_NAMES.probabilities]);
      let same = 0;
      let maxDiff = 0;
      observations.forEach((o, k) => {
        const want = packPolicyAct(pack, o);
        const logits = out.logits.subarray(k * 10, (k + 1) * 10);
        let best = 0;
        for (let j = 1; j < 10; j++) if (logits[j] > logits[best]) best = j;
        if (best === want.index) same++;
        for (let j = 0; j < 10; j++) maxDiff = Math.max(maxDiff, Math.abs(logits[j] - want.outputs[j]));
        const p = out.probabilities.subarray(k * 10, (k + 1) * 10);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
      expect(maxDiff, pack.weightType).toBeLessThan(1e-4);
      expect(same, pack.weightType).toBe(observations.length);
    }
  });

  it('a continuous ReLU policy with an affine preprocessing step: mean and the rescaled command agree with the pack', async () => {
    const spec: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'gaussian', size: 2 }, hiddenSizes: [32, 16], activation: 'relu' };
    const rng = new Rng(3);
    const weights = Float32Array.from({ length: 22 * 32 + 32 + 32 * 16 + 16 + 16 * 2 + 2 }, () => (rng.uniform() * 2 - 1) * 0.6);
    const source = { ...fixtureSource(), spec, weights, actionSpace: { type: 'continuous' as const, steering_angle: { low: -25, high: 30 }, speed: { low: 0.5, high: 3 } } };
    const content: CarPackContent = packContentFor(source, { name: 'continuous' });
    content.preprocessing.push({ op: 'affine', scale: 0.5, offset: 0.25 });
    const observations = Array.from({ length: 200 }, () => Float32Array.from({ length: 22 }, () => (rng.uniform() * 2 - 1) * 6));
    const out = await runOnnx(exportOnnx(content), observations, 22);
    let clipped = 0;
    observations.forEach((o, k) => {
      const want = packPolicyAct(content, o);
      const mean = packForward(content, o);
      for (let j = 0; j < 2; j++) expect(Math.abs(out.mean[2 * k + j] - mean[j])).toBeLessThan(1e-4);
      if (Math.abs(mean[0]) > 1 || Math.abs(mean[1]) > 1) clipped++;
      expect(out.command[2 * k]).toBeCloseTo(want.steering_angle, 3);
      expect(out.command[2 * k + 1]).toBeCloseTo(want.speed, 4);
    });
    expect(clipped).toBeGreaterThan(10);
  });

  it('writes the action space, sensors and model hash into metadata_props, and refuses a pack without layers', async () => {
    const { float32 } = await fixtureInput();
    const pack = parsePackBody(float32);
    const session = await ort.InferenceSession.create(exportOnnx(pack, { modelHash: toHex(pack.hash) }));
    expect(session.inputNames).toEqual([ONNX_NAMES.observation]);
    expect(session.outputNames).toEqual([ONNX_NAMES.logits, ONNX_NAMES.probabilities]);
    await session.release();
    const text = new TextDecoder().decode(exportOnnx(pack, { modelHash: toHex(pack.hash) }));
    expect(text).toContain('raceline.action_space');
    expect(text).toContain(toHex(pack.hash));
    expect(text).toContain('"name":"TRACK_GEOMETRY","size":22');
    expect(() => exportOnnx({ ...pack, layers: [] })).toThrow(/no layers/);
  });

  it('camera and LiDAR packs: conv2d (NHWC in the pack, NCHW in ONNX) and parallel branches give the pack\'s logits, float32 and int8', async () => {
    for (const sensors of [['FRONT_FACING_CAMERA'], ['STEREO_CAMERAS', 'LIDAR'], ['LIDAR']] as SensorName[][]) {
      const { spec, weights, layout } = networkFor(sensors, 6);
      for (const weightType of ['float32', 'int8'] as const) {
        const content = packContentFor({ spec, weights, actionSpace, sensorNames: sensors }, { weightType });
        const obs = observations(sensors, 2, 8);
        const rows = [0, 1].map((i) => obs.subarray(i * layout.size, (i + 1) * layout.size));
        const out = await runOnnx(exportOnnx(content), rows, layout.size);
        rows.forEach((o, k) => {
          const want = packForward(content, o);
          const spread = Math.max(...want) - Math.min(...want);
          expect(spread).toBeGreaterThan(1e-3);
          want.forEach((v, j) => expect(Math.abs(out.logits[k * 5 + j] - v), `${sensors} ${weightType}`).toBeLessThan(1e-4 + 1e-3 * spread));
        });
      }
    }
  });
});
