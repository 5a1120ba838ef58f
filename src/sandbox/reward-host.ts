/**
 * RewardHost: the only object that runs user reward code in the browser. It lives in a worker
 * inside the sandbox frame (see `reward-host.worker.ts`, docs/security.md) and is reached over one
 * MessagePort with Comlink, by a sim worker during training or by the page for the editor's check.
 *
 * Every method answers with plain data (errors as values, never thrown through Comlink, so their
 * kind and line survive) and with the lines the code printed during the call. No DOM.
 */
import type { RewardSource } from '../reward/compile';
import { checkRewardValue, RewardError, type RewardFunction } from '../reward/reward-function';
import { compilePythonReward, loadPythonRuntime, type PyodideLoader } from '../reward/python-reward';
import { compileJsReward } from '../reward/js-reward';
import type { DeepRacerParams } from '../reward/params';
import { runRewardCheck, type RewardCheck } from '../reward/sample-states';
import { Track } from '../track/track';
import type { TrackData } from '../track/track-data';

/** What a failed call reports. */
export interface HostError {
  kind: string;
  message: string;
  /** 1-based line in the user's code, when known. */
  line: number | null;
}

/** A car's params without `waypoints`, which travel once per track (`evaluate`'s second argument). */
export type SlimParams = Omit<DeepRacerParams, 'waypoints'>;

export type HostResult<T> = ({ ok: true } & T & { printed: string[] }) | { ok: false; error: HostError; printed: string[] };

/** Most lines kept from one call; the rest are counted in a last line. */
export const MAX_PRINTED_PER_CALL = 200;

function toHostError(e: unknown): HostError {
  if (e instanceof RewardError) return { kind: e.kind, message: e.message, line: e.line };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'runtime', message: `${err.name}: ${err.message}`, line: null };
}

export class RewardHost {
  private fn: RewardFunction | null = null;
  private waypoints: [number, number][] = [];
  private printed: string[] = [];
  private dropped = 0;

  /** @param pyodideLoader how Python starts here (from bytes the page sent; null: no Python). */
  constructor(private readonly pyodideLoader: PyodideLoader | null) {}

  /** Collects a printed line for the current call's answer (JavaScript `console.log`, Python `print`). */
  print(line: string): void {
    if (this.printed.length < MAX_PRINTED_PER_CALL) this.printed.push(line);
    else this.dropped++;
  }

  private takePrinted(): string[] {
    const out = this.printed;
    if (this.dropped > 0) out.push(`… ${this.dropped} more printed lines not shown`);
    this.printed = [];
    this.dropped = 0;
    return out;
  }

  /** Compiles in this worker; statically linked (no dynamic import), so the worker is one file. */
  private async compileHere(source: RewardSource, seed: number): Promise<RewardFunction> {
    if (source.language === 'javascript') return compileJsReward(source.code);
    if (!this.pyodideLoader) throw new RewardError('runtime', 'Python is not loaded in this sandbox worker');
    const runtime = await loadPythonRuntime({ loader: this.pyodideLoader, onPrint: (line) => this.print(line) });
    return compilePythonReward(runtime, source.code, seed);
  }

  /**
   * Compiles the code that `evaluate` will run (Python: loads Pyodide first, once).
   * @param seed seed of Python's `random`.
   * @returns `compileMs` (Pyodide's loading included), or the syntax/missing-function error.
   */
  async compile(source: RewardSource, seed: number): Promise<HostResult<{ compileMs: number }>> {
    const t0 = performance.now();
    try {
      this.fn = await this.compileHere(source, seed);
      return { ok: true, compileMs: performance.now() - t0, printed: this.takePrinted() };
    } catch (e) {
      return { ok: false, error: toHostError(e), printed: this.takePrinted() };
    }
  }

  /**
   * Rewards of a batch of cars, each checked with DeepRacer's rule (`checkRewardValue`).
   * @param batch params of each car without `waypoints`.
   * @param waypoints the track's waypoints when they changed since the last call (first call: required), else null.
   * @returns `values` [batch.length] float64, or the first error.
   */
  evaluate(batch: SlimParams[], waypoints: [number, number][] | null): HostResult<{ values: Float64Array }> {
    if (waypoints) this.waypoints = waypoints;
    try {
      if (!this.fn) throw new RewardError('missing-function', 'the reward function was not compiled');
      const full = batch as DeepRacerParams[];
      for (const p of full) p.waypoints = this.waypoints;
      const raw = this.fn.evaluate(full);
      const values = new Float64Array(full.length);
      for (let i = 0; i < full.length; i++) values[i] = checkRewardValue(raw[i], full[i].steps);
      return { ok: true, values, printed: this.takePrinted() };
    } catch (e) {
      return { ok: false, error: toHostError(e), printed: this.takePrinted() };
    }
  }

  /** The editor's "Check": compiles `source` on its own and runs it on the track's sample states. */
  async check(source: RewardSource, track: TrackData): Promise<RewardCheck & { printed: string[] }> {
    let fn: RewardFunction;
    try {
      fn = await this.compileHere(source, 0);
    } catch (e) {
      const error = toHostError(e);
      return { ok: false, error: { message: error.message, line: error.line }, printed: this.takePrinted() };
    }
    return { ...runRewardCheck(fn, new Track(track)), printed: this.takePrinted() };
  }
}
