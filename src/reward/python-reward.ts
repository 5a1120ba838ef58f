/**
 * Python reward functions, pasted from DeepRacer unchanged (`def reward_function(params): ...
 * return float(reward)`), run by real CPython through Pyodide. One Pyodide instance per thread
 * (worker or Node process); each step of the vector env makes ONE call into Python for all cars:
 * the scalar params of every car travel packed in one Float64Array, the waypoints once per track,
 * and Python builds a fresh `params` dict per car (so a function that mutates params harms nothing).
 *
 * Packed row per car (20 float64): x, y, heading, steering_angle, speed, progress, steps,
 * distance_from_center, track_width, track_length, projection_distance, sim_time,
 * all_wheels_on_track, is_left_of_center, is_reversed, is_offtrack, is_crashed, object_in_camera,
 * closest_waypoints[0], closest_waypoints[1]. Cars that see objects are sent as whole dicts instead.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import type { DeepRacerParams } from './params';
import { RewardError, type RewardErrorKind, type RewardFunction } from './reward-function';
import { PYTHON_HARNESS } from './python-harness';

const ROW = 20;

export interface PythonRuntime {
  py: PyodideInterface;
  /** Where `print` output goes; replaced by each caller that cares. */
  onPrint: ((line: string) => void) | null;
}

let runtime: Promise<PythonRuntime> | null = null;
let nextId = 1;

/** Starts Pyodide with its print hooks; the sandbox worker supplies one that needs no network. */
export type PyodideLoader = (hooks: { stdout: (line: string) => void; stderr: (line: string) => void }) => Promise<PyodideInterface>;

/**
 * Loads Pyodide once for this thread (later calls return the same runtime and only update `onPrint`).
 * @param indexURL folder of Pyodide's runtime files (browser: served by the site); Node finds the npm package's.
 * @param loader how to start Pyodide instead (`indexURL` is then unused).
 * @throws Error when Pyodide's files cannot be loaded.
 */
export function loadPythonRuntime(options: { indexURL?: string; onPrint?: (line: string) => void; loader?: PyodideLoader } = {}): Promise<PythonRuntime> {
  if (!runtime) {
    runtime = (async () => {
      const rt: PythonRuntime = { py: null as unknown as PyodideInterface, onPrint: null };
      const hooks = { stdout: (line: string) => rt.onPrint?.(line), stderr: (line: string) => rt.onPrint?.(line) };
      const loader: PyodideLoader =
        options.loader ??
        (async (h) => {
          const { loadPyodide } = await import('pyodide');
          return loadPyodide({ ...(options.indexURL ? { indexURL: options.indexURL } : {}), ...h });
        });
      const py = await loader(hooks);
      py.runPython(PYTHON_HARNESS);
      rt.py = py;
      return rt;
    })();
    runtime.catch(() => {
      runtime = null;
    });
  }
  return runtime.then((rt) => {
    if (options.onPrint) rt.onPrint = options.onPrint;
    return rt;
  });
}

/** Turns the harness's `[kind, text, line]` into a RewardError in DeepRacer's wording. */
function toError(kind: string, text: string, line: number | null, steps?: number): RewardError {
  const where = line ? `reward_function.py line ${line}` : 'reward_function.py';
  const at = steps !== undefined ? ` (at step ${steps})` : '';
  return new RewardError(kind as RewardErrorKind, `${where}: ${text}${at}`, line ?? null);
}

/**
 * Compiles Python reward code in the runtime.
 * @param seed seed of Python's `random` module, so a run that uses it replays exactly.
 * @throws RewardError('syntax' | 'runtime' | 'missing-function') with the line in the user's code.
 */
export function compilePythonReward(rt: PythonRuntime, code: string, seed = 0): RewardFunction {
  const py = rt.py;
  const id = nextId++;
  const compileFn = py.globals.get('_raceline_compile') as PyProxy & ((...a: unknown[]) => unknown);
  const failure = compileFn(id, code, seed) as PyProxy | undefined;
  compileFn.destroy();
  if (failure) {
    const [kind, text, line] = failure.toJs() as [string, string, number | null];
    failure.destroy();
    throw toError(kind, text, line);
  }
  const batchFn = py.globals.get('_raceline_batch') as PyProxy & ((...a: unknown[]) => PyProxy);
  const oneFn = py.globals.get('_raceline_one') as PyProxy & ((...a: unknown[]) => unknown);
  const setWaypoints = py.globals.get('_raceline_set_waypoints') as PyProxy & ((...a: unknown[]) => unknown);
  let packed = new Float64Array(0);
  let waypointsSent: unknown = null;

  const fail = (r: unknown[], batch: readonly DeepRacerParams[], offset: number): never => {
    const [i, kind, a, b] = r as [number, string, string, unknown];
    const steps = batch[offset + i]?.steps;
    if (kind === 'not-a-number') {
      throw new RewardError('not-a-number', `reward_function returned ${a} (${String(b)}) at step ${steps}; DeepRacer converts it with float(reward), which failed`);
    }
    throw toError(kind, a, (b as number | null) ?? null, steps);
  };

  return {
    language: 'python',
    evaluate(batch: readonly DeepRacerParams[]): unknown[] {
      const n = batch.length;
      if (n === 0) return [];
      if (batch[0].waypoints !== waypointsSent) {
        waypointsSent = batch[0].waypoints;
        setWaypoints(Float64Array.from(batch[0].waypoints.flat()));
      }
      // Cars that see objects need the full lists: send those as whole dicts (none until objects exist).
      if (batch.some((p) => p.objects_location.length > 0)) {
        return batch.map((p, i) => {
          const dict = py.toPy({ ...p, waypoints: [] }) as PyProxy; // waypoints: the copy sent once above
          let r: unknown;
          try {
            r = oneFn(id, dict);
          } finally {
            dict.destroy();
          }
          if (typeof r === 'number') return r;
          const list = (r as PyProxy).toJs() as unknown[];
          (r as PyProxy).destroy();
          return fail([0, ...list], batch, i);
        });
      }
      if (packed.length < n * ROW) packed = new Float64Array(n * ROW);
      for (let i = 0; i < n; i++) {
        const p = batch[i];
        const b = i * ROW;
        packed[b] = p.x;
        packed[b + 1] = p.y;
        packed[b + 2] = p.heading;
        packed[b + 3] = p.steering_angle;
        packed[b + 4] = p.speed;
        packed[b + 5] = p.progress;
        packed[b + 6] = p.steps;
        packed[b + 7] = p.distance_from_center;
        packed[b + 8] = p.track_width;
        packed[b + 9] = p.track_length;
        packed[b + 10] = p.projection_distance;
        packed[b + 11] = p.sim_time;
        packed[b + 12] = p.all_wheels_on_track ? 1 : 0;
        packed[b + 13] = p.is_left_of_center ? 1 : 0;
        packed[b + 14] = p.is_reversed ? 1 : 0;
        packed[b + 15] = p.is_offtrack ? 1 : 0;
        packed[b + 16] = p.is_crashed ? 1 : 0;
        packed[b + 17] = p.object_in_camera ? 1 : 0;
        packed[b + 18] = p.closest_waypoints[0];
        packed[b + 19] = p.closest_waypoints[1];
      }
      const result = batchFn(id, packed.subarray(0, n * ROW), n);
      const values = result.toJs() as unknown[];
      result.destroy();
      if (values.length > 0 && typeof values[1] === 'string') return fail(values, batch, 0);
      return values;
    },
  };
}
