/**
 * The sim worker's side of the reward sandbox: a RemoteRewardFunction that sends each step's batch
 * of params to a RewardHost (in the sandbox frame's worker) over a MessagePort and waits for the
 * checked rewards, with a time limit per call. The track's waypoints travel once, not every step.
 */
import * as Comlink from 'comlink';
import { RewardError, type RemoteRewardFunction, type RewardErrorKind } from '../reward/reward-function';
import type { DeepRacerParams } from '../reward/params';
import type { RewardLanguage, RewardSource } from '../reward/compile';
import type { HostError, RewardHost, SlimParams } from '../sandbox/reward-host';

/** Time limit of one reward call (a whole batch of cars), s. DeepRacer's functions take microseconds. */
export const REWARD_CALL_LIMIT_S = 2;

function toRewardError(e: HostError): RewardError {
  return new RewardError(e.kind as RewardErrorKind, e.message, e.line);
}

/**
 * Compiles the user's code in the sandbox and returns the reward function that calls it.
 * @param port the RewardHost's MessagePort (from `RewardSandbox.startWorker`).
 * @param onPrint receives each line the code prints.
 * @returns the function and how long compiling took (Pyodide's loading included), ms.
 * @throws RewardError for code that does not compile.
 */
export async function connectRemoteReward(
  port: MessagePort,
  source: RewardSource,
  options: { seed: number; onPrint?: (line: string) => void; callLimitS?: number },
): Promise<{ reward: RemoteRewardFunction; compileMs: number }> {
  const host = Comlink.wrap<RewardHost>(port);
  const compiled = await host.compile(source, options.seed);
  compiled.printed.forEach((l) => options.onPrint?.(l));
  if (!compiled.ok) throw toRewardError(compiled.error);
  return { reward: remoteRewardFunction(host, source.language, options), compileMs: compiled.compileMs };
}

function remoteRewardFunction(
  host: Comlink.Remote<RewardHost>,
  language: RewardLanguage,
  options: { onPrint?: (line: string) => void; callLimitS?: number },
): RemoteRewardFunction {
  const limitS = options.callLimitS ?? REWARD_CALL_LIMIT_S;
  let waypointsSent: unknown = null;
  return {
    language,
    remote: true,
    async evaluate(batch: readonly DeepRacerParams[]): Promise<unknown[]> {
      if (batch.length === 0) return [];
      const waypoints = batch[0].waypoints !== waypointsSent ? (batch[0].waypoints as [number, number][]) : null;
      const slim: SlimParams[] = batch.map(({ waypoints: _w, ...rest }) => rest);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const overdue = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new RewardError(
                'time-limit',
                `reward_function did not return within ${limitS} s, Raceline's time limit for one reward call (an endless loop, code that blocks, or memory running short because a list or string keeps growing?); training stopped and the model trained so far is kept`,
              ),
            ),
          limitS * 1000,
        );
      });
      try {
        const result = await Promise.race([host.evaluate(slim, waypoints), overdue]);
        waypointsSent = batch[0].waypoints;
        result.printed.forEach((l) => options.onPrint?.(l));
        if (!result.ok) throw toRewardError(result.error);
        return Array.from(result.values);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
