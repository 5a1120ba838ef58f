/**
 * One entry point for user reward code in either language, used by the headless tools and the sim
 * workers alike: JavaScript compiles synchronously; Python loads Pyodide once per thread, then
 * compiles the code into a batched reward function (see `python-reward.ts`).
 */
import { compileJsReward } from './js-reward';
import type { RewardFunction } from './reward-function';
import type { PyodideLoader } from './python-reward';

export type RewardLanguage = 'javascript' | 'python';

export interface RewardSource {
  code: string;
  language: RewardLanguage;
}

export interface CompileOptions {
  /** Where Pyodide's runtime files are (a URL ending in '/'); in Node the npm package's folder is used. */
  pyodideIndexURL?: string;
  /** Receives each line user code prints (Python `print`). */
  onPrint?: (line: string) => void;
  /** Starts Pyodide another way (the sandbox worker loads it from bytes the page sends). */
  pyodideLoader?: PyodideLoader;
  /** Seed of Python's `random` (default 0). */
  seed?: number;
}

/**
 * @throws RewardError for code that does not compile or defines no `reward_function`.
 */
export async function compileRewardFunction(source: RewardSource, options: CompileOptions = {}): Promise<RewardFunction> {
  if (source.language === 'javascript') return compileJsReward(source.code);
  const { compilePythonReward, loadPythonRuntime } = await import('./python-reward');
  const runtime = await loadPythonRuntime({ indexURL: options.pyodideIndexURL, onPrint: options.onPrint, loader: options.pyodideLoader });
  return compilePythonReward(runtime, source.code, options.seed);
}

/** The language of a reward file by its name: `.py` is Python, anything else JavaScript. */
export function languageOfFile(name: string): RewardLanguage {
  return name.toLowerCase().endsWith('.py') ? 'python' : 'javascript';
}
