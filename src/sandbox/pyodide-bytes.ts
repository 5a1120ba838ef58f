/**
 * Starts Pyodide inside the sandbox worker, where the Content-Security-Policy forbids every network
 * request: the page fetches Pyodide's files from the site (`PYODIDE_FILES`) and sends their bytes;
 * here the two ES modules are imported from blob URLs, and Pyodide's own fetches of the wasm binary
 * and the standard library are answered from memory for the duration of the load. `jsglobals` is
 * an empty object, so `import js` in user code finds nothing of the worker's globals.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyodideLoader } from '../reward/python-reward';

/** The files Pyodide needs, by name, relative to its folder on the site (`/pyodide/`). */
export const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'] as const;
export type PyodideFiles = Record<(typeof PYODIDE_FILES)[number], ArrayBuffer>;

/** Files Pyodide fetches while loading, answered from memory. */
const FETCHED: Record<string, string> = { 'pyodide.asm.wasm': 'application/wasm', 'python_stdlib.zip': 'application/zip' };

/**
 * @param files the bytes of every entry of PYODIDE_FILES.
 * @returns a loader for `loadPythonRuntime`.
 * @throws (when called) Error when a file is missing or Pyodide fails to start.
 */
export function pyodideLoaderFromBytes(files: PyodideFiles): PyodideLoader {
  for (const name of PYODIDE_FILES) if (!(files[name] instanceof ArrayBuffer)) throw new Error(`Pyodide file ${name} was not sent to the sandbox`);
  return async (hooks) => {
    const moduleUrl = (name: keyof PyodideFiles) => URL.createObjectURL(new Blob([files[name]], { type: 'text/javascript' }));
    const { loadPyodide } = (await import(/* @vite-ignore */ moduleUrl('pyodide.mjs'))) as typeof import('pyodide');
    const asm = (await import(/* @vite-ignore */ moduleUrl('pyodide.asm.mjs'))) as { default: unknown };
    const realFetch = self.fetch;
    self.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const name = String(input instanceof Request ? input.url : input).split('/').pop() ?? '';
      if (name in FETCHED) return new Response(files[name as keyof PyodideFiles], { headers: { 'content-type': FETCHED[name] } });
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const py: PyodideInterface = await loadPyodide({
        indexURL: 'https://pyodide.invalid/',
        lockFileContents: new TextDecoder().decode(files['pyodide-lock.json']),
        jsglobals: Object.create(null),
        ...hooks,
        // Pyodide's option for a pre-imported module factory (it would otherwise import pyodide.asm.js by URL).
        ...({ createPyodideModule: asm.default } as object),
      });
      return py;
    } finally {
      self.fetch = realFetch;
    }
  };
}
