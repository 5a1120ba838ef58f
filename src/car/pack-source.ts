/**
 * The `PackSource` of a saved model folder's files (docs/file-formats.md): `model.json` (network
 * spec and weight manifest), `weights.bin` (flat float32) and `model_metadata.json` (action space,
 * sensors). No file access here: the CLI reads the files, the studio reads IndexedDB.
 */
import { restoreNetworkSpec, type NetworkSpec } from '../rl/network-spec';
import { actionSpaceFromMetadata } from '../rl/model-metadata';
import { FormatError } from './byte-io';
import { policyLayout, type PackSource } from './pack-build';

/**
 * @param modelJson parsed `model.json`; @param weightsBin bytes of `weights.bin`; @param metadata parsed `model_metadata.json`.
 * @throws FormatError (or the network/metadata readers' Error) naming the file and what is wrong.
 */
export function packSourceFromSavedModel(modelJson: unknown, weightsBin: Uint8Array, metadata: unknown): PackSource {
  const json = modelJson as { modelTopology?: unknown; weightsManifest?: { weights?: { name: string; shape: number[]; dtype?: string }[] }[] } | null;
  const spec: NetworkSpec = restoreNetworkSpec(json?.modelTopology);
  const manifest = json?.weightsManifest?.[0]?.weights ?? [];
  for (const p of policyLayout(spec)) {
    const entry = manifest.find((w) => w.name === p.name);
    if (!entry || entry.shape.join(',') !== p.shape.join(',') || (entry.dtype ?? 'float32') !== 'float32') {
      throw new FormatError(`model.json: weight '${p.name}' [${p.shape}] float32 is missing from weightsManifest or has another shape`);
    }
  }
  if (weightsBin.length % 4 !== 0) throw new FormatError(`weights.bin: ${weightsBin.length} bytes is not a whole number of float32 values`);
  const weights = new Float32Array(weightsBin.length / 4);
  const view = new DataView(weightsBin.buffer, weightsBin.byteOffset, weightsBin.byteLength);
  for (let i = 0; i < weights.length; i++) weights[i] = view.getFloat32(4 * i, true);
  const meta = metadata as { sensor?: unknown; action_space?: unknown; action_space_type?: string } | null;
  if (!meta || !Array.isArray(meta.sensor) || meta.sensor.some((s) => typeof s !== 'string')) {
    throw new FormatError('model_metadata.json: `sensor` must be a list of sensor names');
  }
  return { spec, weights, actionSpace: actionSpaceFromMetadata(meta), sensorNames: meta.sensor as string[] };
}
