/**
 * Every shipped lesson file: it parses, its prerequisites and tracks exist, its reward code compiles, and where a
 * step loads a reward function and checks it, the lesson's own function passes its own check (so a student who
 * applies the setup is never stuck).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLesson } from '../../src/lessons/parse-lesson';
import { runCheck, type CheckContext } from '../../src/lessons/checks';
import { compileRewardFunction } from '../../src/reward/compile';
import { REWARD_TEMPLATES } from '../../src/reward/examples';
import { defaultActionSpace } from '../../src/sim/action-space';
import { shippedTrack } from '../helpers/tracks';
import type { Lesson } from '../../src/lessons/lesson-format';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const files = readdirSync(join(root, 'lessons')).filter((f) => /^\d\d-.*\.md$/.test(f)).sort();
const lessons: Lesson[] = files.map((f) => parseLesson(readFileSync(join(root, 'lessons', f), 'utf8'), f));

/** The topics the path must cover, in order (issue 8). */
const PATH = [
  /agent/i, /reinforcement learning/i, /first reward/i, /training charts/i, /entropy/i, /action spaces/i, /hyperparameters/i,
  /evaluation and lap times/i, /racing lines/i, /reward hacking/i, /sensors and object avoidance/i, /race day/i, /sim to real/i,
];

describe('lesson files', () => {
  it('are at least twelve, numbered in order, with unique ids, covering the path from zero to racing', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(12);
    files.forEach((f, i) => expect(f.slice(0, 2)).toBe(String(i + 1).padStart(2, '0')));
    expect(new Set(lessons.map((l) => l.id)).size).toBe(lessons.length);
    PATH.forEach((re, i) => expect(lessons[i].title).toMatch(re));
  });

  it('name only earlier lessons as prerequisites', () => {
    lessons.forEach((l, i) => {
      for (const p of l.prerequisites) expect(lessons.slice(0, i).map((x) => x.id), `${l.file}: prerequisite ${p}`).toContain(p);
    });
  });

  it('set up only shipped tracks and known templates', () => {
    for (const l of lessons) {
      for (const s of l.steps) {
        if (s.setup?.track) expect(existsSync(join(root, 'tracks', `${s.setup.track}.json`)), `${l.file}: track ${s.setup.track}`).toBe(true);
        if (s.check?.kind === 'track-selected') expect(existsSync(join(root, 'tracks', `${s.check.args[0]}.json`))).toBe(true);
        if (s.setup?.rewardTemplate) expect(REWARD_TEMPLATES.map((t) => t.id)).toContain(s.setup.rewardTemplate);
      }
    }
  });

  it("compile their reward code, and each lesson's own reward passes the step's reward check", async () => {
    const track = shippedTrack('reinvent_base');
    let checked = 0;
    for (const l of lessons) {
      for (const s of l.steps) {
        const template = REWARD_TEMPLATES.find((t) => t.id === s.setup?.rewardTemplate);
        const source = s.setup?.reward ?? (template ? { code: template.code, language: template.language } : null);
        if (!source) continue;
        const fn = await compileRewardFunction(source);
        if (!s.check || !/^reward-/.test(s.check.kind)) continue;
        const ctx: CheckContext = {
          driveBestProgress: 0, entropies: [], evaluations: [], modelsMade: 0, trainedRewards: [], modelsSaved: 0, actionSpace: defaultActionSpace(),
          hyperparameters: {}, trackName: 'reinvent_base', sensors: ['TRACK_GEOMETRY'], trainingFormat: 'time_trial', track,
          score: async (params) => fn.evaluate(params).map(Number),
          limitLap: async () => null,
        };
        const r = await runCheck(s.check, ctx);
        expect(r.passed, `${l.file} step '${s.title}': ${r.message}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('hold some check in every lesson but the two that only explain', () => {
    const withoutCheck = lessons.filter((l) => !l.steps.some((s) => s.check)).map((l) => l.id);
    expect(withoutCheck).toEqual(['what-rl-is']);
  });
});
