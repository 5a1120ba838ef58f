/**
 * `npm run car:faults -- --uploads 1000 --seed N [--model DIR] [--drop P --duplicate P --reorder P
 * --bit-flip P --forge P --cut P]`: uploads the fixture model (a new pack each time, float32 and int8
 * in turn) to a virtual car over a seeded faulty link at 115200 baud (src/car/fault-run.ts). Prints
 * a line per failed upload and per 100 uploads, then a JSON summary line with the counts of verified
 * uploads, uploads that kept the previous model, and corrupt models; exits 1 when any model is corrupt.
 */
import { join } from 'node:path';
import { parseArgs } from './args';
import { REPO } from './run-tool';
import { buildPack } from '../car/pack-build';
import { loadPackSource } from '../car/node/model-folder';
import { DEFAULT_FAULTS, runFaultInjection } from '../car/fault-run';
import type { LinkFaults } from '../car/stream';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { uploads: 1000, seed: 1, model: join(REPO, 'test/fixtures/models/reinvent-base-seed1') });
  if (args.help) {
    console.log('usage: npm run car:faults -- --uploads 1000 --seed N [--model DIR] [--drop P] [--duplicate P] [--reorder P] [--bit-flip P] [--forge P] [--cut P]');
    return;
  }
  const faults: LinkFaults = { ...DEFAULT_FAULTS };
  for (const k of Object.keys(faults) as (keyof LinkFaults)[]) {
    if (args[k] === undefined) continue;
    const p = Number(args[k]);
    if (!(p >= 0 && p <= 1)) throw new Error(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a probability 0..1, got ${args[k]}`);
    faults[k] = p;
  }
  const uploads = Number(args.uploads);
  if (!Number.isInteger(uploads) || uploads < 1) throw new Error(`--uploads must be a positive integer, got ${args.uploads}`);
  const source = loadPackSource(String(args.model));
  const started = performance.now();
  const summary = await runFaultInjection({
    uploads,
    seed: Number(args.seed),
    faults,
    makePack: (i) => buildPack(source, { name: `fault run ${args.seed} upload ${i}`, weightType: i % 2 ? 'int8' : 'float32' }),
    onUpload: (i, verdict, r) => {
      if (verdict !== 'verified') console.log(`upload ${i + 1}: ${verdict}: ${r.message}`);
      if ((i + 1) % 100 === 0) console.log(`${i + 1} uploads done`);
    },
  });
  console.log(JSON.stringify({ ...summary, wallSeconds: Math.round(performance.now() - started) / 1000 }));
  if (summary.corrupt > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(`car:faults: ${(e as Error).message}`);
  process.exit(1);
});
