/**
 * Scores params with the user's reward function in the reward sandbox (docs/security.md): never on the page. Opens a
 * sandbox, compiles the code there, sends the params in batches (each batch one call, within the sandbox's per-call
 * time limit), and closes the sandbox whatever happens. Used by the reward debugger (a grid over the track) and to
 * re-score an old log with a new reward function.
 */
import { RewardSandbox } from '../sandbox/reward-sandbox';
import { connectRemoteReward } from '../workers/remote-reward';
import type { RewardSource } from '../reward/compile';
import type { DeepRacerParams } from '../reward/params';

/** Params per reward call: about 0.1 s of Python, far inside the 2 s limit per call. */
const BATCH = 2000;

/**
 * The rewards of `params`, in order.
 * @param onProgress fraction done, 0..1, after each batch.
 * @throws RewardError (compile error, an exception or invalid value with its line, the time limit) or an Error when
 *   the sandbox cannot start.
 */
export async function scoreInSandbox(source: RewardSource, params: readonly DeepRacerParams[], onProgress?: (f: number) => void): Promise<Float64Array> {
  const sandbox = await RewardSandbox.open();
  try {
    const { port } = await sandbox.startWorker(source.language);
    const { reward } = await connectRemoteReward(port, source, { seed: 1 });
    const out = new Float64Array(params.length);
    for (let i = 0; i < params.length; i += BATCH) {
      const values = await reward.evaluate(params.slice(i, i + BATCH));
      for (let k = 0; k < values.length; k++) out[i + k] = Number(values[k]);
      onProgress?.(Math.min(1, (i + BATCH) / params.length));
    }
    return out;
  } finally {
    sandbox.close();
  }
}
