import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isNode, nodeWasmDir, selectBackend } from '../../src/rl/backend';

describe('selectBackend (Node)', () => {
  it('finds the wasm binaries in node_modules', async () => {
    expect(isNode()).toBe(true);
    expect(await nodeWasmDir()).toMatch(/@tensorflow\/tfjs-backend-wasm\/dist\/$/);
  });

  it('activates wasm by default, and with measure keeps the fastest of the timed candidates', async () => {
    const choice = await selectBackend();
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(/^wasm: first of \[wasm, cpu\]/);

    const measured = await selectBackend({ measure: true });
    expect(Object.keys(measured.timingsMs).sort()).toEqual(['cpu', 'wasm']);
    const fastest = Object.entries(measured.timingsMs).sort((a, b) => a[1] - b[1])[0][0];
    expect(measured.name).toBe(fastest);
    expect(tf.getBackend()).toBe(fastest);
    expect(measured.reason).toContain(`${fastest}: fastest MLP train step`);
  });

  it("with the camera-CNN workload, times the first camera convolution's training step on each candidate", async () => {
    const measured = await selectBackend({ measure: true, workload: 'cnn' });
    expect(Object.keys(measured.timingsMs).sort()).toEqual(['cpu', 'wasm']);
    const fastest = Object.entries(measured.timingsMs).sort((a, b) => a[1] - b[1])[0][0];
    expect(measured.name).toBe(fastest);
    expect(measured.reason).toContain(`${fastest}: fastest camera-CNN train step`);
  });

  it('skips candidates that do not exist and fails clearly when none does', async () => {
    const choice = await selectBackend({ preferred: ['no-such-backend', 'wasm'] });
    expect(choice.name).toBe('wasm');
    expect(choice.reason).toContain('no-such-backend did not initialise');
    await expect(selectBackend({ preferred: ['nope'] })).rejects.toThrow('selectBackend: none of [nope] initialised');
  });
});
