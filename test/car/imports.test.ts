import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every module `file` loads at run time (type-only imports are erased), followed through relative imports. */
function runtimeImports(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)';/gms), ...text.matchAll(/^export\s+(?!type\s)[^'"]*?from\s+'([^']+)';/gms)].map((m) => m[1]);
  seen.set(file, specs);
  for (const spec of specs) if (spec.startsWith('.')) runtimeImports(resolve(dirname(file), `${spec}.ts`), seen);
  return seen;
}

const packagesOf = (files: string[]) => {
  const graph = new Map<string, string[]>();
  for (const f of files) runtimeImports(join(SRC, 'car', f), graph);
  return { graph, packages: [...new Set([...graph.values()].flat().filter((s) => !s.startsWith('.')))].sort() };
};

describe('src/car runs in a worker, in Node and in a test', () => {
  it('loads no svelte, pixi, dexie or Node module, and touches no DOM', () => {
    const { graph, packages } = packagesOf(readdirSync(join(SRC, 'car')).filter((f) => f.endsWith('.ts')));
    // no tfjs (the network spec is src/rl/network-spec.ts); planck only through the observation recorder's simulator
    expect(packages).toEqual(['planck']);
    for (const file of graph.keys()) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // comments may name the Web APIs
      expect(code, file).not.toMatch(/\b(document|window|localStorage|indexedDB|navigator)\./);
    }
  });

  it('the uploader, the virtual car and the pack builder load no package at all', () => {
    expect(packagesOf(['host.ts', 'virtual-car.ts', 'pack-build.ts', 'pack-inference.ts', 'conformance.ts', 'fault-run.ts']).packages).toEqual([]);
  });
});
