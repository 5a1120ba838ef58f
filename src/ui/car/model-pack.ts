/**
 * A saved model's car pack and ONNX file, built in the page from the model record and its weights in
 * IndexedDB, without tfjs: the network spec is read by `rl/network-spec.ts`, and the pack builder
 * (`car/pack-build.ts`) checks the rest (layer sizes against the weights, the head against the action space).
 */
import type { ModelRecord } from '../../store/records';
import type { RacelineStore } from '../../store/repository';
import { restoreNetworkSpec, type NetworkSpec } from '../../rl/network-spec';
import { buildPack, type PackSource } from '../../car/pack-build';
import { parsePackBody, type WeightType } from '../../car/pack';
import { exportOnnx } from '../../car/onnx';
import { toHex } from '../../car/byte-io';

export interface ModelPacks {
  model: ModelRecord;
  /** Pack bytes by weight type. */
  packs: Record<WeightType, Uint8Array>;
}

/**
 * The network spec of a saved model, checked as far as the pack builder needs.
 * @throws Error naming the model and what is wrong (another network type, a damaged spec).
 */
export function networkSpecForPack(model: Pick<ModelRecord, 'name' | 'networkSpec'>): NetworkSpec {
  const bad = (why: string) => new Error(`Model "${model.name}" cannot be put on a car: ${why}.`);
  let spec: NetworkSpec;
  try {
    spec = restoreNetworkSpec(model.networkSpec);
  } catch (e) {
    throw bad((e as Error).message);
  }
  return spec;
}

/**
 * Loads a model and builds its float32 and int8 packs (named after the model, at most 60 bytes of UTF-8).
 * @throws the store's errors (model gone, damaged weights) and the pack builder's FormatError, as sentences for the page.
 */
export async function loadModelPacks(store: RacelineStore, modelId: string): Promise<ModelPacks> {
  const model = await store.getModel(modelId);
  if (!model) throw new Error('That model is no longer stored.');
  const weights = new Float32Array(await store.getModelWeights(modelId));
  const source: PackSource = { spec: networkSpecForPack(model), weights, actionSpace: model.actionSpace, sensorNames: [...model.modelMetadata.sensor] };
  const name = shortName(model.name);
  const [float32, int8] = await Promise.all([buildPack(source, { name }), buildPack(source, { name, weightType: 'int8' })]);
  return { model, packs: { float32, int8 } };
}

/** The ONNX file of a pack (see `car/onnx.ts`), with the pack's model hash in its metadata. */
export function onnxOfPack(pack: Uint8Array): Uint8Array {
  const parsed = parsePackBody(pack);
  return exportOnnx(parsed, { modelHash: toHex(parsed.hash) });
}

/** `name` cut to at most 60 bytes of UTF-8 (the pack keeps a u8-length name; the car shows it). */
export function shortName(name: string): string {
  const encoder = new TextEncoder();
  const chars = Array.from(name.trim() || 'model'); // code points, so a cut never splits one
  while (encoder.encode(chars.join('')).length > 60) chars.pop();
  return chars.join('');
}

/** A file name from a model name: letters, digits, dashes. */
export function fileStem(name: string): string {
  return name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'model';
}
