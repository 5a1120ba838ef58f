/**
 * `npm run loop:npy -- --seed N --out FILE.npy [--length 20] [--width 0.76]`: writes a DeepRacer route file of a
 * loop track the project does not ship, to check that the racing setup laps an unseen track (issue 14; a benchmark,
 * not a test: `npm run train -- --preset race --track FILE.npy --minutes 10`).
 *
 * The loop is a closed polar curve r(θ) = R·(1 + Σ_{k=2..5} a_k·cos(k·θ + φ_k)) with seeded amplitudes and phases,
 * scaled to the asked centre-line length; curves whose tightest radius is under 0.55 m (about a shipped track's
 * tightest) or whose borders would cross are drawn again. Rows `[center, inner, outer]` x/y in metres,
 * counter-clockwise, the first row repeated at the end, as simapp's `bundle/routes/*.npy`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from './args';
import { encodeNpy } from '../track/npy';
import { Rng } from '../sim/rng';

/** The tightest bend a generated loop may have, m (a tight hairpin for this 0.19 m wide car). */
const MIN_RADIUS_M = 0.55;

/** Rows of a generated loop: `[n + 1][6]` (the first row repeated), m. @throws Error when no curve fits in 1000 tries. */
export function generatedLoop(seed: number, lengthM = 20, widthM = 0.76, points = 160): number[][] {
  const rng = new Rng(seed);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const terms = [2, 3, 4, 5].map((k) => ({ k, a: (rng.uniform() * 1.8) / k, phi: rng.uniform() * 2 * Math.PI }));
    const raw: [number, number][] = [];
    for (let i = 0; i < points; i++) {
      const t = (2 * Math.PI * i) / points;
      const r = 1 + terms.reduce((s, { k, a, phi }) => s + a * Math.cos(k * t + phi), 0);
      raw.push([r * Math.cos(t), r * Math.sin(t)]);
    }
    let length = 0;
    for (let i = 0; i < points; i++) length += Math.hypot(raw[(i + 1) % points][0] - raw[i][0], raw[(i + 1) % points][1] - raw[i][1]);
    const scale = lengthM / length;
    const c = raw.map(([x, y]) => [x * scale, y * scale]);
    let tightest = Infinity;
    let bordersFold = false;
    const rows: number[][] = [];
    for (let i = 0; i < points; i++) {
      const a = c[(i - 1 + points) % points];
      const b = c[i];
      const d = c[(i + 1) % points];
      const cross = (b[0] - a[0]) * (d[1] - a[1]) - (b[1] - a[1]) * (d[0] - a[0]);
      const radius = (Math.hypot(b[0] - a[0], b[1] - a[1]) * Math.hypot(d[0] - b[0], d[1] - b[1]) * Math.hypot(a[0] - d[0], a[1] - d[1])) / Math.max(1e-12, 2 * Math.abs(cross));
      tightest = Math.min(tightest, radius);
      if (cross < 0 && radius < widthM) bordersFold = true; // a right-hand bend tighter than the road: the outer border would fold
      const tx = d[0] - a[0];
      const ty = d[1] - a[1];
      const tl = Math.hypot(tx, ty);
      const nx = -ty / tl; // left of the driving direction: the inside of a counter-clockwise loop
      const ny = tx / tl;
      const h = widthM / 2;
      rows.push([b[0], b[1], b[0] + h * nx, b[1] + h * ny, b[0] - h * nx, b[1] - h * ny]);
    }
    if (tightest < MIN_RADIUS_M || bordersFold) continue;
    rows.push([...rows[0]]);
    return rows;
  }
  throw new Error(`generatedLoop: no loop with seed ${seed} has every bend of at least ${MIN_RADIUS_M} m radius; try another seed`);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const seed = Number(args.seed ?? 1);
  const out = String(args.out ?? `loop-${seed}.npy`);
  const rows = generatedLoop(seed, Number(args.length ?? 20), Number(args.width ?? 0.76));
  writeFileSync(out, encodeNpy([rows.length, 6], rows.flat()));
  console.log(`${out}: ${rows.length} rows (the first repeated), seed ${seed}`);
}

if (process.argv[1]?.endsWith('loop-npy.ts')) main();
