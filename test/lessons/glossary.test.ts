import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entropyScale, GLOSSARY, glossaryEntry, lookupTerm, uniformEntropy } from '../../src/lessons/glossary';
import { glossaryRefs } from '../../src/lessons/markdown';
import { defaultActionSpace, generateDiscreteActionSpace } from '../../src/sim/action-space';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The terms the user test found unexplained, and those the studio's labels and lessons use. */
const REQUIRED = [
  'episode', 'step', 'iteration', 'trial', 'evaluation', 'reward', 'reward function', 'policy', 'model', 'action',
  'action space', 'discrete action space', 'continuous action space', 'observation', 'entropy', 'nats', 'ln(N)',
  'ln(10)', 'approx KL', 'discount factor', 'gamma', 'learning rate', 'gradient descent batch size', 'minibatch',
  'number of epochs', 'PPO', 'exploration', 'waypoint', 'progress', 'lap time', 'limit lap', 'off track', 'loss type',
  'number of experience episodes between each policy-updating iteration', 'parallel cars', 'hyperparameter',
];

describe('glossary', () => {
  it('defines every term the studio and the lessons use, in one to three short sentences', () => {
    for (const name of REQUIRED) expect(lookupTerm(name), name).not.toBeNull();
    for (const e of GLOSSARY) {
      expect(e.id, e.id).toMatch(/^[a-z0-9-]+$/);
      const sentences = e.definition.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      expect(sentences, `${e.id}: ${e.definition}`).toBeGreaterThanOrEqual(1);
      expect(sentences, `${e.id}: ${e.definition}`).toBeLessThanOrEqual(3);
      expect(e.definition.length, e.id).toBeLessThanOrEqual(320);
    }
    expect(new Set(GLOSSARY.map((e) => e.id)).size).toBe(GLOSSARY.length);
  });

  it('looks terms up by id, term or alias, whatever the case, spaces, dashes or underscores', () => {
    expect(lookupTerm('approx-kl')?.term).toBe('Approx KL');
    expect(lookupTerm('Approx KL')?.id).toBe('approx-kl');
    expect(lookupTerm('approximate kl divergence')?.id).toBe('approx-kl');
    expect(lookupTerm('Episodes')?.id).toBe('episode');
    expect(lookupTerm('OFF_TRACK')?.id).toBe('off-track');
    expect(lookupTerm('gamma')?.id).toBe('discount-factor');
    expect(lookupTerm('no such thing')).toBeNull();
  });

  it('throws for an unknown term with the file to add it to and near ids', () => {
    expect(() => glossaryEntry('episdoe')).toThrow(/'episdoe' is not in the glossary \(src\/lessons\/glossary\.ts\)/);
    expect(() => glossaryEntry('entropi')).toThrow(/did you mean 'entropy'/);
    expect(() => glossaryEntry('episdoe')).toThrow(/did you mean 'episode'/);
  });

  it('gives ln(N) nats as the entropy of N equally likely actions, for the action space in use', () => {
    expect(uniformEntropy(10)).toBeCloseTo(2.302585, 5);
    expect(uniformEntropy(1)).toBe(0);
    const ten = generateDiscreteActionSpace(30, 5, 1, 2);
    expect(entropyScale(ten)).toContain('10 actions');
    expect(entropyScale(ten)).toContain('ln(10) ≈ 2.30 nats');
    const space = defaultActionSpace();
    if (space.type === 'discrete') expect(entropyScale(space)).toContain(`ln(${space.actions.length})`);
    expect(entropyScale({ type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 2 } })).toMatch(/continuous.*no ln\(N\) top/);
  });

  it('holds every [[term]] the shipped lessons link to', () => {
    const files = readdirSync(join(root, 'lessons')).filter((f) => /^\d\d-.*\.md$/.test(f));
    const refs = files.flatMap((f) => glossaryRefs(readFileSync(join(root, 'lessons', f), 'utf8')).map((name) => ({ f, name })));
    expect(refs.length, 'the lessons link to the glossary').toBeGreaterThanOrEqual(10);
    for (const { f, name } of refs) expect(lookupTerm(name), `${f}: [[${name}]]`).not.toBeNull();
  });
});
