/**
 * Test helper: activates tfjs-wasm (the backend the CLI and the tests train on) once per test file.
 */
import { selectBackend } from '../../src/rl/backend';

let ready: Promise<void> | null = null;

/** Activates the wasm backend (via `selectBackend`, as the CLI does). */
export function initTf(): Promise<void> {
  ready ??= (async () => {
    const choice = await selectBackend({ preferred: ['wasm'] });
    if (choice.name !== 'wasm') throw new Error(`tests expect the wasm backend, got ${choice.name}`);
  })();
  return ready;
}
