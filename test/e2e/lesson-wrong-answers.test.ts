/**
 * Each lesson check that needs no trained model, tried in a real browser through the lesson panel with two wrong
 * answers and the right one, as a student would: the wrong ones are rejected with a message that says what was seen
 * and what to change, the right one passes. Rewards run in the page's sandbox (JavaScript here, so no Pyodide load
 * except where the lesson's own answer is Python). lesson-checks.test.ts does the same for lessons 3, 5 and 7.
 */
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserSession } from './browser';
import { setRewardCode } from './studio-helpers';
import { openLessons, type LessonDriver } from './lesson-helpers';

const baseUrl = inject('baseUrl');
let session: BrowserSession;
let page: Page;
let lesson: LessonDriver;

/** Pays the same for everything: penalises nothing, prefers nothing. */
const CONSTANT = 'function reward_function(params) {\n  return 1.0;\n}';
/** DeepRacer's "follow the centre line", in JavaScript: pays a car parked on the line, or facing backwards on it. */
const CENTRE = `function reward_function(params) {
  const d = params.distance_from_center / params.track_width;
  return d <= 0.1 ? 1.0 : d <= 0.25 ? 0.5 : d <= 0.5 ? 0.1 : 1e-3;
}`;
/** Pays more the harder the car steers. */
const PAYS_STEERING = 'function reward_function(params) {\n  return 1e-3 + Math.abs(params.steering_angle);\n}';
/** Pays double off the track. */
const PAYS_OFF_TRACK = 'function reward_function(params) {\n  return params.is_offtrack ? 2.0 : 1.0;\n}';

describe('lesson checks reject wrong answers in the browser', () => {
  beforeAll(async () => {
    ({ session, page, lesson } = await openLessons(baseUrl));
  });
  afterAll(async () => {
    await session?.close();
  });

  it('lesson 6: 15 actions, then continuous, and nothing else', async () => {
    await lesson.openLesson('Action spaces');
    await lesson.press('Apply setup');
    await lesson.expectFail(/has 10 actions; make a discrete one with 15/);
    await page.getByRole('tab', { name: 'Action space' }).click();
    await page.getByRole('combobox', { name: 'Steering angle granularity' }).selectOption('3');
    await lesson.expectFail(/has 6 actions; make a discrete one with 15/);
    await page.getByRole('combobox', { name: 'Steering angle granularity' }).selectOption('5');
    await page.getByRole('spinbutton', { name: 'Speed granularity' }).fill('3');
    await lesson.expectPass();
    await lesson.goToStep(3);
    await lesson.expectFail(/The action space is discrete; choose continuous/);
    await page.getByRole('spinbutton', { name: 'Speed granularity' }).fill('1');
    await lesson.expectFail(/The action space is discrete; choose continuous/);
    await page.getByRole('radio', { name: 'Continuous' }).check();
    await lesson.expectPass();
    await page.getByRole('radio', { name: 'Discrete' }).check();
  });

  it('lesson 9: pays for heading along the track, not the centre line or a constant', async () => {
    await lesson.openLesson('Racing lines with waypoints');
    await setRewardCode(page, CENTRE);
    await lesson.expectFail(/pays 1 on the centre line, heading 30° (left|right) of the track, which is not less than the 1 it pays on the centre line, heading along/);
    await setRewardCode(page, CONSTANT);
    await lesson.expectFail(/pays 1 on the centre line, heading 30° (left|right) of the track, which is not less/);
    await lesson.press('Apply setup');
    await lesson.expectPass(180_000); // the lesson's answer is Python: Pyodide loads in the sandbox
  });

  it('lesson 10: standing still, zig-zag and reversing must each cost reward', async () => {
    await lesson.openLesson('Reward hacking');
    const wrong: Record<number, [string, RegExp][]> = {
      1: [[CONSTANT, /pays 1 on the centre line, almost stopped .*params\['speed'\]/], [CENTRE, /pays 1 on the centre line, almost stopped/]],
      2: [[CONSTANT, /pays 1 on the centre line, steering \d+° (left|right), which is not less/], [PAYS_STEERING, /steering \d+° (left|right), which is not less .*abs\(params\['steering_angle'\]\)/]],
      3: [[CONSTANT, /facing the wrong way .*which is not less/], [CENTRE, /pays 1 on the centre line, facing the wrong way/]],
    };
    for (const step of [1, 2, 3]) {
      await lesson.goToStep(step);
      for (const [code, why] of wrong[step]) {
        await setRewardCode(page, code, 'javascript');
        await lesson.expectFail(why);
      }
      await lesson.press('Apply setup');
      await lesson.expectPass(180_000);
    }
  });

  it('lesson 11: object avoidance, a LiDAR, and a reward that pays nothing off the road', async () => {
    await lesson.openLesson('Sensors and object avoidance');
    await page.getByRole('tab', { name: 'Track' }).click();
    await lesson.expectFail(/Training is set to time trial; .*choose object avoidance/);
    await page.getByRole('radio', { name: 'Head to head against bot cars' }).check();
    await lesson.expectFail(/Training is set to head to bot; .*choose object avoidance/);
    await page.getByRole('radio', { name: 'Object avoidance' }).check();
    await lesson.expectPass();
    await lesson.goToStep(2);
    await page.getByRole('tab', { name: 'Sensors' }).click();
    await lesson.expectFail(/trains with TRACK_GEOMETRY; add LIDAR/);
    await page.getByRole('radio', { name: /^Camera/ }).check();
    await lesson.expectFail(/trains with FRONT_FACING_CAMERA; add LIDAR/);
    await page.getByRole('radio', { name: /^LiDAR 64 rays/ }).check();
    await lesson.expectPass();
    await page.getByRole('radio', { name: /^Track geometry/ }).check();
    await lesson.goToStep(3);
    await setRewardCode(page, CONSTANT);
    await lesson.expectFail(/pays 1 with all four wheels off the track, which is not less than the 1/);
    await setRewardCode(page, PAYS_OFF_TRACK);
    await lesson.expectFail(/pays 2 with all four wheels off the track, .*all_wheels_on_track/);
    await lesson.press('Apply setup');
    await lesson.expectPass(180_000);
    await page.getByRole('tab', { name: 'Track' }).click();
    await page.getByRole('radio', { name: 'Time trial' }).check();
  });
});
