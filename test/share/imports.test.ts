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

describe('src/share stays light and runs anywhere', () => {
  it('loads no tfjs, svelte, pixi or dexie, and touches no DOM (document, window)', () => {
    const graph = new Map<string, string[]>();
    for (const f of readdirSync(join(SRC, 'share')).filter((f) => f.endsWith('.ts'))) runtimeImports(join(SRC, 'share', f), graph);
    const packages = [...new Set([...graph.values()].flat().filter((s) => !s.startsWith('.')))].sort();
    expect(packages).toEqual(['fflate']);
    expect([...graph.keys()].map((f) => f.slice(SRC.length + 1))).toEqual(expect.arrayContaining(['race/sim-trace.ts', 'rl/config.ts', 'track/track-data.ts']));
    for (const file of graph.keys()) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/\b(document|window|localStorage|indexedDB)\./);
    }
  });
});
