/**
 * Chooses the tfjs backend for training. In Node: `wasm` (SIMD, one thread), falling back to `cpu`.
 * In a page or worker: every candidate that initialises (`webgpu`, `webgl`, `wasm`, `cpu`) runs a
 * small batched MLP forward+backward and the fastest wins. tfjs' own advice is that WASM beats the GPU
 * backends on tiny models (tfjs-website PR #351); measurements here: reference/browser-testing.md.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'; // importing it registers the 'wasm' backend
import { conv2dValid } from './conv';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface SelectBackendOptions {
  /** Candidates in order of preference (default: Node `['wasm', 'cpu']`, browser `['webgpu', 'webgl', 'wasm', 'cpu']`). */
  preferred?: string[];
  /**
   * Where tfjs-wasm's `.wasm` files are: a URL prefix ending in '/', or a map from file name to URL
   * (in a Vite build: `import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'`).
   * Required in the browser for `wasm`; in Node the path inside node_modules is found automatically.
   */
  wasmPaths?: string | Record<string, string>;
  /** Time every candidate and keep the fastest (default: true in a browser, false in Node). */
  measure?: boolean;
  /**
   * What the measurement runs (default 'mlp'): 'mlp' for the vector sensor's MLP, 'cnn' for a camera
   * network (its first convolution, forward and gradients): GPUs win the second long before the first.
   */
  workload?: BenchmarkWorkload;
}

/** The training work `benchmarkActiveBackend` times. */
export type BenchmarkWorkload = 'mlp' | 'cnn';

export interface BackendChoice {
  /** The backend now active (`tf.getBackend()`). */
  name: string;
  /** Why it was chosen, in a sentence for the details panel. */
  reason: string;
  /** ms per benchmark step for each candidate measured; failures are absent. */
  timingsMs: Record<string, number>;
}

/** True in Node (tests, CLI), false in a page or worker. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Resolves the directory of tfjs-wasm's `.wasm` files in Node (`.../tfjs-backend-wasm/dist/`), through
 * dynamic imports of node built-ins so a browser bundle never loads them.
 * @throws Error outside Node.
 */
export async function nodeWasmDir(): Promise<string> {
  if (!isNode()) throw new Error('nodeWasmDir(): only available in Node; in a browser pass wasmPaths to selectBackend');
  const moduleSpecifier = 'node:module';
  const pathSpecifier = 'node:path';
  const { createRequire } = (await import(/* @vite-ignore */ moduleSpecifier)) as typeof import('node:module');
  const path = (await import(/* @vite-ignore */ pathSpecifier)) as typeof import('node:path');
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

let wasmPathsConfigured = false;

/** Points tfjs-wasm at its binaries, once, before the backend initialises. */
async function configureWasm(wasmPaths: SelectBackendOptions['wasmPaths']): Promise<void> {
  if (wasmPathsConfigured || tf.engine().registry['wasm'] !== undefined) return;
  if (wasmPaths !== undefined) setWasmPaths(wasmPaths);
  else if (isNode()) setWasmPaths(await nodeWasmDir());
  else throw new Error("selectBackend: the 'wasm' backend needs options.wasmPaths in a browser (Vite '?url' imports of the .wasm files)");
  if (!isNode()) {
    // Threaded wasm under cross-origin isolation hung in Chromium 156 (reference/browser-testing.md).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  wasmPathsConfigured = true;
}

/** Registers the WebGPU backend by importing its package (browser only; a no-op when present). */
async function registerWebGpu(): Promise<void> {
  if (tf.findBackendFactory('webgpu') !== null) return;
  await import('@tensorflow/tfjs-backend-webgpu'); // a literal, so Vite bundles it as its own chunk
}

/** Tries to make `name` the active backend; false (never a throw) when it cannot initialise. */
async function tryBackend(name: string, options: SelectBackendOptions): Promise<boolean> {
  try {
    if (name === 'wasm') await configureWasm(options.wasmPaths);
    if (name === 'webgpu') await registerWebGpu();
    if (tf.findBackendFactory(name) === null) return false;
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

/**
 * ms per step of Adam-free training work on the active backend, read back at the end; warm-up steps
 * (shader compilation) are not counted.
 * - 'mlp': a 17→64→64→10 tanh MLP, batch 64, forward + backward (10 steps after 3 warm-ups by default).
 * - 'cnn': the first convolution of DeepRacer's camera CNNs (32 filters 8×8, stride 4, ReLU) on two
 *   120×160 images, forward and its kernel gradient through `conv2dValid` (2 steps after 1 warm-up:
 *   slow backends take seconds per step).
 */
export async function benchmarkActiveBackend(steps?: number, warmup?: number, workload: BenchmarkWorkload = 'mlp'): Promise<number> {
  const cnn = workload === 'cnn';
  const nSteps = steps ?? (cnn ? 2 : 10);
  const nWarmup = warmup ?? (cnn ? 1 : 3);
  const x = cnn ? tf.randomUniform([2, 120, 160, 1], 0, 1, 'float32', 1) : tf.randomUniform([64, 17], -1, 1, 'float32', 1);
  const weights = cnn
    ? [tf.variable(tf.randomNormal([8, 8, 1, 32], 0, 0.1, 'float32', 2)), tf.variable(tf.zeros([32]))]
    : [tf.variable(tf.randomNormal([17, 64], 0, 0.2, 'float32', 2)), tf.variable(tf.randomNormal([64, 64], 0, 0.1, 'float32', 3)), tf.variable(tf.randomNormal([64, 10], 0, 0.1, 'float32', 4))];
  const forward = cnn
    ? (): tf.Scalar => tf.relu(conv2dValid(x as tf.Tensor4D, weights[0] as unknown as tf.Tensor4D, weights[1] as unknown as tf.Tensor1D, 4, false)).square().mean() as tf.Scalar
    : (): tf.Scalar => tf.tanh(tf.tanh(x.matMul(weights[0])).matMul(weights[1])).matMul(weights[2]).square().mean() as tf.Scalar;
  const step = (): tf.Scalar =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(forward);
      return tf.addN([value, ...Object.values(grads).map((g) => g.sum())]) as tf.Scalar;
    });
  try {
    for (let i = 0; i < nWarmup; i++) {
      const s = step();
      await s.data();
      s.dispose();
    }
    const t0 = performance.now();
    const outs: tf.Scalar[] = [];
    for (let i = 0; i < nSteps; i++) outs.push(step());
    await tf.stack(outs).data();
    const ms = (performance.now() - t0) / nSteps;
    outs.forEach((o) => o.dispose());
    return ms;
  } finally {
    x.dispose();
    weights.forEach((w) => w.dispose());
  }
}

/**
 * Selects and activates a tfjs backend.
 * Node, without `measure`: the first of `preferred` (default wasm, then cpu) that initialises.
 * With `measure` (default in a browser): every candidate that initialises is timed with
 * `benchmarkActiveBackend` and the fastest is activated.
 * @returns the active backend, why, and the timings taken.
 * @throws Error when no candidate initialises.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const node = isNode();
  const candidates = options.preferred ?? (node ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu']);
  const measure = options.measure ?? !node;
  const timingsMs: Record<string, number> = {};
  const failed: string[] = [];
  if (!measure) {
    for (const name of candidates) {
      if (await tryBackend(name, options)) {
        const skipped = failed.length > 0 ? ` (${failed.join(', ')} did not initialise)` : '';
        return { name: tf.getBackend(), reason: `${name}: first of [${candidates.join(', ')}] that initialised${skipped}`, timingsMs };
      }
      failed.push(name);
    }
    throw new Error(`selectBackend: none of [${candidates.join(', ')}] initialised`);
  }
  for (const name of candidates) {
    if (!(await tryBackend(name, options))) {
      failed.push(name);
      continue;
    }
    try {
      timingsMs[name] = await benchmarkActiveBackend(undefined, undefined, options.workload ?? 'mlp');
    } catch {
      failed.push(name);
    }
  }
  const ranked = Object.entries(timingsMs).sort((a, b) => a[1] - b[1]);
  if (ranked.length === 0) throw new Error(`selectBackend: none of [${candidates.join(', ')}] initialised`);
  const [best, bestMs] = ranked[0];
  await tryBackend(best, options);
  const others = ranked.slice(1).map(([n, ms]) => `${n} ${ms.toFixed(2)} ms`);
  const reason =
    `${best}: fastest ${options.workload === 'cnn' ? 'camera-CNN' : 'MLP'} train step (${bestMs.toFixed(2)} ms)` +
    (others.length > 0 ? `, vs ${others.join(', ')}` : '') +
    (failed.length > 0 ? `; ${failed.join(', ')} unavailable` : '');
  return { name: tf.getBackend(), reason, timingsMs };
}
