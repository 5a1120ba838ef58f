/**
 * The layers of src/ (docs in src/README.md and ../shared/DESIGN.md), checked by dependency-cruiser on
 * every `npm test` (`npm run lint:deps`). A folder may import its own level and the levels below it,
 * never a level above; the same level is allowed as long as no file circle appears (`no-circular`).
 * Type-only imports (`import type`) and dynamic `import()` count like any other import.
 *
 *   8  ui  cli  main.ts        screens and the headless entry, side by side, never importing each other
 *   7  workers  render  car-web  the browser adapters: Worker/comlink, pixi, Web Serial/Bluetooth
 *   6  sandbox                 the reward sandbox host (iframe + worker) that workers and ui start
 *   5  share  store  car  lessons  codecs, IndexedDB, the car, lesson content
 *   4  race                    evaluation, race formats, logs
 *   3  rl                      PPO
 *   2  reward                  user reward code: compile, run, check
 *   1  sim                     physics, sensors, the env and the DeepRacer params it makes
 *   0  track                   geometry
 *
 * test/lint/dependency-rules.test.ts proves the rules fail on the arrows issue 16 listed.
 */

/** @type {string[][]} lowest first */
const LEVELS = [
  ['track'],
  ['sim'],
  ['reward'],
  ['rl'],
  ['race'],
  ['share', 'store', 'car', 'lessons'],
  ['sandbox'],
  ['workers', 'render', 'car-web'],
  ['ui', 'cli'],
];

/** Folders that run unchanged in a worker, in Node and in the page: no svelte, pixi, dexie or comlink. */
const CORE = ['track', 'sim', 'reward', 'rl', 'race', 'share', 'car', 'lessons'];

const alt = (names) => `(${names.join('|')})`;

/** One rule per level: nothing in it imports a folder of a higher level (or src/main.ts, the page entry). */
const layerRules = LEVELS.slice(0, -1).map((level, i) => {
  const above = LEVELS.slice(i + 1).flat();
  return {
    name: `layer-${level.join('-')}`,
    comment: `${level.join(', ')} sit below ${above.join(', ')} (see the table at the top of .dependency-cruiser.cjs): move what is shared down, or pass it in`,
    severity: 'error',
    from: { path: `^src/${alt(level)}/` },
    to: { path: [`^src/${alt(above)}/`, '^src/main\\.ts$'] },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'ui-cli-apart',
      comment: 'ui (the page) and cli (Node) stand side by side: what both need lives in a lower folder',
      severity: 'error',
      from: { path: '^src/(ui|cli)/' },
      to: { path: '^src/(ui|cli)/', pathNot: '^src/$1/' },
    },
    {
      name: 'cli-node-only',
      comment: 'cli runs in Node: it must not import the browser adapters (workers, render, car-web, sandbox)',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(workers|render|car-web|sandbox)/' },
    },
    {
      name: 'no-circular',
      comment: 'a file circle in src/: move the shared part (often a type) into a file both import',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-test',
      comment: 'src/ never imports test/: move what both need into src/, or the script into test/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'core-no-browser-frameworks',
      comment: 'the core folders run in Node and workers too (DESIGN.md): no svelte, pixi.js, dexie or comlink',
      severity: 'error',
      from: { path: `^src/${alt(CORE)}/` },
      to: { path: '(^|/)node_modules/(svelte|pixi\\.js|dexie|comlink)/|^(svelte|pixi\\.js|dexie|comlink)(/|$)' },
    },
    {
      name: 'svelte-only-in-ui',
      comment: 'svelte belongs to the screens (src/ui and the entry src/main.ts)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(ui/|main\\.ts$)' },
      to: { path: '(^|/)node_modules/svelte/|^svelte(/|$)' },
    },
    {
      name: 'pixi-only-in-render',
      comment: 'pixi.js draws snapshots in src/render only',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/render/' },
      to: { path: '(^|/)node_modules/pixi\\.js/|^pixi\\.js(/|$)' },
    },
    {
      name: 'dexie-only-in-store',
      comment: 'IndexedDB (dexie) is reached through the repositories of src/store only',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: '(^|/)node_modules/dexie/|^dexie(/|$)' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing: a typo, or a package missing from package.json',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '^virtual:' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['svelte', 'import', 'require', 'node', 'browser', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
