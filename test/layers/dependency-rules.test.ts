/**
 * The dependency rule (.dependency-cruiser.cjs, `npm run lint:deps` in `npm test`) fails on every arrow issue 16
 * listed, and passes the downward imports the layers allow. Runs dependency-cruiser's API with the real rules on a
 * small copy of the layout in a temporary folder, one file per arrow, so a rule that matches nothing cannot pass
 * silently. (That src/ itself holds the rules is `npm run lint:deps`.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;

/** Fixture files: path → source. Each import mirrors one of the arrows, or one that the layers allow. */
const FILES: Record<string, string> = {
  // What the arrows point at.
  'src/ui/training-types.ts': 'export interface IterationPoint { iteration: number }\n',
  'src/track/track.ts': 'export const TRACK = 1;\n',
  'src/sim/car.ts': "import { TRACK } from '../track/track';\nexport const CAR = TRACK;\n",
  'src/share/bytes.ts': 'export const toBase64Url = (b: Uint8Array): string => String(b.length);\n',
  'src/workers/pyodide-url.ts': "export const pyodideIndexURL = (): string => '/pyodide/';\n",
  'src/cli/tracks-node.ts': "export { TRACK as loadTrack } from '../track/track';\n",
  'test/harness/build.ts': 'export const serveHarness = 1;\n',
  // The arrows issue 16 listed (type-only and dynamic imports included).
  'src/store/records.ts': "import type { IterationPoint } from '../ui/training-types';\nexport type R = IterationPoint;\n",
  'src/store/garage-records.ts': "import type { IterationPoint } from '../ui/training-types';\nexport type G = IterationPoint;\n",
  'src/workers/training-client.ts': "import type { IterationPoint } from '../ui/training-types';\nexport type T = IterationPoint;\n",
  'src/reward/params.ts': "import { ENV } from '../sim/racing-env';\nexport const PARAMS = ENV;\n",
  'src/sim/racing-env.ts': "import type { PARAMS } from '../reward/params';\nexport const ENV = 1;\nexport type P = typeof PARAMS;\n",
  'src/race/event-link.ts': "import { toBase64Url } from '../share/bytes';\nexport const link = toBase64Url;\n",
  'src/sandbox/reward-sandbox.ts': "import { pyodideIndexURL } from '../workers/pyodide-url';\nexport const url = pyodideIndexURL;\n",
  'src/car/node/model-folder.ts': "import { loadTrack } from '../../cli/tracks-node';\nexport const t = loadTrack;\n",
  'src/cli/bench-cnn.ts': "export async function bench(): Promise<unknown> {\n  return import('../../test/harness/build');\n}\n",
  'src/share/model-package.ts': "import { check } from './package-check';\nexport interface ModelPackage { name: string }\nexport const c = check;\n",
  'src/share/package-check.ts': "import type { ModelPackage } from './model-package';\nexport const check = (p: ModelPackage): string => p.name;\n",
  'src/ui/studio.svelte.ts': "import { Garage } from './garage.svelte';\nexport class Studio { garage = new Garage(this); }\n",
  'src/ui/garage.svelte.ts': "import type { Studio } from './studio.svelte';\nexport class Garage { constructor(readonly studio: Studio) {} }\n",
  // Other rules: ui and cli apart, frameworks only where they belong.
  'src/ui/uses-cli.ts': "import { bench } from '../cli/bench-cnn';\nexport const b = bench;\n",
  'src/track/uses-svelte.ts': "import { mount } from 'svelte';\nexport const m = mount;\n",
  'src/rl/uses-dexie.ts': "import Dexie from 'dexie';\nexport const D = Dexie;\n",
  'src/ui/uses-pixi.ts': "import { Application } from 'pixi.js';\nexport const A = Application;\n",
  // Allowed: each layer importing the ones below it.
  'src/rl/training-types.ts': "import { CAR } from '../sim/car';\nexport interface IterationPoint { iteration: typeof CAR }\n",
  'src/store/fine.ts': "import type { IterationPoint } from '../rl/training-types';\nexport type F = IterationPoint;\n",
  'src/share/class-link.ts': "import { CAR } from '../sim/car';\nimport { toBase64Url } from './bytes';\nexport const x = [CAR, toBase64Url];\n",
  'src/workers/fine.ts': "import type { F } from '../store/fine';\nimport { url } from '../sandbox/reward-sandbox';\nexport const w: F | null = null;\nexport const u = url;\n",
  'src/ui/fine.ts': "import { w } from '../workers/fine';\nimport type { IterationPoint } from './training-types';\nexport const ui: IterationPoint | null = w;\n",
  'src/cli/fine.ts': "import { CAR } from '../sim/car';\nimport type { F } from '../store/fine';\nexport const cli: F | number = CAR;\n",
};

/** Rule names by the file that breaks them, as dependency-cruiser reports them. */
let violations: Map<string, Set<string>>;
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'raceline-deps-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const { tsConfig: _tsConfig, ...options } = config.options ?? {};
  const result = await cruise(['src'], { ...options, baseDir: dir, validate: true, ruleSet: { forbidden: config.forbidden } });
  violations = new Map();
  for (const v of (result.output as ICruiseResult).summary.violations) {
    // A circle is reported once, from one of its files; count it against every file on it.
    const files = v.rule.name === 'no-circular' ? [v.from, ...(v.cycle ?? []).map((c) => c.name)] : [v.from];
    for (const file of files) {
      const set = violations.get(file) ?? new Set<string>();
      set.add(v.rule.name);
      violations.set(file, set);
    }
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The rules `file` breaks, sorted. */
const rulesOf = (file: string): string[] => [...(violations.get(file) ?? [])].sort();

describe('the dependency rule (.dependency-cruiser.cjs)', () => {
  it('fails on store/ and workers/ importing types from ui/ (type-only imports count)', () => {
    expect(rulesOf('src/store/records.ts')).toEqual(['layer-share-store-car-lessons']);
    expect(rulesOf('src/store/garage-records.ts')).toEqual(['layer-share-store-car-lessons']);
    expect(rulesOf('src/workers/training-client.ts')).toEqual(['layer-workers-render-car-web']);
  });

  it('fails on sim/ importing reward/, and on the sim ↔ reward circle', () => {
    expect(rulesOf('src/sim/racing-env.ts')).toEqual(['layer-sim', 'no-circular']);
    expect(rulesOf('src/reward/params.ts')).toEqual(['no-circular']);
  });

  it('fails on race/ importing share/, sandbox/ importing workers/, car/ importing cli/', () => {
    expect(rulesOf('src/race/event-link.ts')).toEqual(['layer-race']);
    expect(rulesOf('src/sandbox/reward-sandbox.ts')).toEqual(['layer-sandbox']);
    expect(rulesOf('src/car/node/model-folder.ts')).toEqual(['layer-share-store-car-lessons']);
  });

  it('fails on src/ importing test/, a dynamic import included', () => {
    expect(rulesOf('src/cli/bench-cnn.ts')).toEqual(['src-not-to-test']);
  });

  it('fails on file circles: model-package ↔ package-check, studio ↔ garage', () => {
    expect(rulesOf('src/share/model-package.ts')).toEqual(['no-circular']);
    expect(rulesOf('src/share/package-check.ts')).toEqual(['no-circular']);
    expect(rulesOf('src/ui/studio.svelte.ts')).toEqual(['no-circular']);
    expect(rulesOf('src/ui/garage.svelte.ts')).toEqual(['no-circular']);
  });

  it('keeps ui/ and cli/ apart, svelte out of the core, dexie in store/ and pixi.js in render/', () => {
    expect(rulesOf('src/ui/uses-cli.ts')).toEqual(['ui-cli-apart']);
    expect(rulesOf('src/track/uses-svelte.ts')).toEqual(expect.arrayContaining(['core-no-browser-frameworks', 'svelte-only-in-ui']));
    expect(rulesOf('src/rl/uses-dexie.ts')).toEqual(expect.arrayContaining(['core-no-browser-frameworks', 'dexie-only-in-store']));
    expect(rulesOf('src/ui/uses-pixi.ts')).toEqual(expect.arrayContaining(['pixi-only-in-render']));
  });

  it('passes every downward import', () => {
    for (const file of ['src/rl/training-types.ts', 'src/store/fine.ts', 'src/share/class-link.ts', 'src/workers/fine.ts', 'src/ui/fine.ts', 'src/cli/fine.ts', 'src/sim/car.ts']) {
      expect(rulesOf(file), file).toEqual([]);
    }
  });
});
