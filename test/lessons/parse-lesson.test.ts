import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lessons/parse-lesson';
import { LessonFormatError } from '../../src/lessons/lesson-format';

const GOOD = `---
id: demo
title: A demo lesson
level: beginner
minutes: 5
prerequisites: a, b
---

Intro text.

## First step

Do the *first* thing.

### Hint

A hint with \`code\`.

\`\`\`setup
track: reinvent_base
actions: discrete 30 5 1 3
hyperparameters: entropyCoef=0.005, gamma=0.99
max-minutes: 4
\`\`\`

\`\`\`check
entropy-below 1.5
\`\`\`

## Second step

Write this:

\`\`\`reward-javascript
function reward_function(params) { return 1.0; }
\`\`\`
`;

/** The LessonFormatError `text` gives, with its line. */
function failure(text: string): LessonFormatError {
  try {
    parseLesson(text, 'x.md');
  } catch (e) {
    expect(e).toBeInstanceOf(LessonFormatError);
    return e as LessonFormatError;
  }
  throw new Error('expected a LessonFormatError');
}

describe('parseLesson', () => {
  it('reads the front matter, the intro and each step with its hint, setup and check', () => {
    const l = parseLesson(GOOD, 'demo.md');
    expect(l).toMatchObject({ id: 'demo', title: 'A demo lesson', level: 'beginner', minutes: 5, prerequisites: ['a', 'b'], intro: 'Intro text.', file: 'demo.md' });
    expect(l.steps.map((s) => s.title)).toEqual(['First step', 'Second step']);
    const [a, b] = l.steps;
    expect(a.instruction).toBe('Do the *first* thing.');
    expect(a.hint).toBe('A hint with `code`.');
    expect(a.setup?.track).toBe('reinvent_base');
    expect(a.setup?.actionSpace?.type === 'discrete' && a.setup.actionSpace.actions.length).toBe(15);
    expect(a.setup?.hyperparameters).toEqual({ entropyCoef: 0.005, gamma: 0.99 });
    expect(a.setup?.maxMinutes).toBe(4);
    expect(a.check).toEqual({ kind: 'entropy-below', args: ['1.5'] });
    expect(b.hint).toBeNull();
    expect(b.check).toBeNull();
    expect(b.setup?.reward).toEqual({ language: 'javascript', code: 'function reward_function(params) { return 1.0; }\n' });
    expect(b.instruction).toBe('Write this:');
  });

  it('reads a continuous action space and an empty prerequisites list', () => {
    const l = parseLesson(GOOD.replace('prerequisites: a, b', 'prerequisites:').replace('discrete 30 5 1 3', 'continuous -20 20 0.5 3'), 'demo.md');
    expect(l.prerequisites).toEqual([]);
    expect(l.steps[0].setup?.actionSpace).toEqual({ type: 'continuous', steering_angle: { low: -20, high: 20 }, speed: { low: 0.5, high: 3 } });
  });

  it('names the line and the fix for each mistake a teacher may make', () => {
    expect(failure('# no front matter').message).toMatch(/x\.md line 1: a lesson starts with its front matter/);
    expect(failure(GOOD.replace('level: beginner', 'level: expert')).message).toMatch(/line 4: level 'expert' is not one of beginner, intermediate, advanced/);
    expect(failure(GOOD.replace('minutes: 5', 'minutes: soon')).message).toMatch(/line 5: minutes must be a positive number/);
    expect(failure(GOOD.replace('entropy-below 1.5', 'entropy-belw 1.5')).message).toMatch(/line 27: unknown check 'entropy-belw'/);
    expect(failure(GOOD.replace('entropy-below 1.5', 'entropy-below')).message).toMatch(/entropy-below needs the entropy to get below/);
    expect(failure(GOOD.replace('discrete 30 5 1 3', 'discrete 45 5 1 3')).message).toMatch(/line 21: actions: maximum steering angle must be 1\.\.30 degrees/);
    expect(failure(GOOD.replace('entropyCoef=0.005', 'entropy=0.005')).message).toMatch(/line 22: hyperparameters: PpoConfig: unknown field 'entropy'/);
    expect(failure(GOOD.replace('track: reinvent_base', 'colour: red')).message).toMatch(/line 20: expected one of track, reward-template/);
    expect(failure(GOOD.replace('```check\nentropy-below 1.5\n```', '```check\nentropy-below 1.5')).message).toMatch(/is not closed|only one|at most one|exactly one/);
    expect(failure(GOOD.split('## First step')[0]).message).toMatch(/at least one step/);
    expect(failure(GOOD.replace('Do the *first* thing.', '').replace('### Hint\n\nA hint with `code`.', '')).message).toMatch(/step 'First step' has no instruction/);
  });

  it('refuses a [[term]] the glossary does not hold, with its line, and accepts known ones', () => {
    const known = parseLesson(GOOD.replace('Do the *first* thing.', 'Do the *first* [[episode]] of many [[steps|step]].'), 'x.md');
    expect(known.steps[0].instruction).toContain('[[episode]]');
    const e = failure(GOOD.replace('Do the *first* thing.', 'Do the *first* [[episdoe]].'));
    expect(e.message).toMatch(/x\.md line \d+: \[\[episdoe\]\]: 'episdoe' is not in the glossary/);
    expect(e.line).toBe(GOOD.split('\n').findIndex((l) => l.includes('Do the *first* thing.')) + 1);
  });

  it('keeps a [[term]] in a step heading as written, for the panel to render, and checks it like one in the text', () => {
    const l = parseLesson(GOOD.replace('## First step', '## The first [[episode]]'), 'x.md');
    expect(l.steps[0].title).toBe('The first [[episode]]');
    const e = failure(GOOD.replace('## First step', '## The first [[episdoe]]'));
    expect(e.message).toMatch(/\[\[episdoe\]\]: 'episdoe' is not in the glossary/);
    expect(e.line).toBe(GOOD.split('\n').indexOf('## First step') + 1);
  });

  it('accepts only the penalised cases it can build', () => {
    expect(parseLesson(GOOD.replace('entropy-below 1.5', 'reward-penalises zig-zag'), 'x.md').steps[0].check).toEqual({ kind: 'reward-penalises', args: ['zig-zag'] });
    expect(failure(GOOD.replace('entropy-below 1.5', 'reward-penalises speeding')).message).toMatch(/reward-penalises needs one of reversing, zig-zag, standing-still, off-track/);
  });
});
