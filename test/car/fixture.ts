/** Test helper: the fixture model's packs and recorded observations, built once per test file. */
import { join } from 'node:path';
import { REPO } from '../helpers/run-cli';
import { conformanceInputFor, loadPackSource } from '../../src/car/node/model-folder';
import type { ConformanceInput } from '../../src/car/conformance';
import type { PackSource } from '../../src/car/pack-build';

export const FIXTURE_MODEL = join(REPO, 'test/fixtures/models/reinvent-base-seed1');

let input: Promise<ConformanceInput & { source: PackSource }> | null = null;

/** Packs (float32, int8, other) and 600 recorded observations of the fixture model. */
export function fixtureInput(): Promise<ConformanceInput & { source: PackSource }> {
  input ??= conformanceInputFor(FIXTURE_MODEL);
  return input;
}

export function fixtureSource(): PackSource {
  return loadPackSource(FIXTURE_MODEL);
}
