/**
 * Evaluates a saved model in a sim worker (off the page's thread): DeepRacer's time trial with the
 * greedy policy, trials from the start line, paths recorded for replay.
 */
import * as Comlink from 'comlink';
import type { ActionSpace } from '../sim/action-space';
import type { TrackData } from '../track/track-data';
import type { EvaluateResult, NetworkBlob } from './protocol';
import type { SimWorker } from './sim.worker';
import { WASM_PATHS } from './wasm-paths';
import type { SceneConfig } from '../sim/scene';
import type { SensorName } from '../sim/observation';

/**
 * @param trials number of trials (DeepRacer default 3); @param seed start perturbation seed.
 * @param options.objects boxes and bots on the track (one scene per trial); options.trace: return the sim-trace;
 *   options.sensors: the model's sensor list (default TRACK_GEOMETRY).
 * @returns the trials with their paths, or `{ok: false, error}`; the worker is always ended.
 */
export async function evaluateInWorker(
  track: TrackData,
  actionSpace: ActionSpace,
  network: NetworkBlob,
  trials: number,
  seed: number,
  options: { objects?: SceneConfig; trace?: boolean; sensors?: SensorName[] } = {},
): Promise<EvaluateResult> {
  const worker = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: 'raceline-evaluation' });
  try {
    const sim = Comlink.wrap<SimWorker>(worker);
    const ready = await sim.init({
      workerIndex: 0,
      track,
      actionSpace,
      // No reward is needed to evaluate: no sandbox, no user code.
      rewardCode: '',
      rewardLanguage: 'javascript',
      rewardPort: null,
      numEnvs: 1,
      actionSeed: seed,
      envSeed: seed,
      firstCar: 0,
      startFraction: 0,
      network,
      wasmPaths: WASM_PATHS,
      objects: options.objects,
      sensors: options.sensors,
    });
    if (!ready.ok) return ready;
    return await sim.evaluate({ trials, seed, recordPaths: true, trace: options.trace });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, error: { kind: err.name, message: err.message, line: null } };
  } finally {
    worker.terminate();
  }
}
