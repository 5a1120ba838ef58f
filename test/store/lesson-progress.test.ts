import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { emptyProgress, LessonProgressStore, restorePlace, restoreProgress } from '../../src/store/lesson-progress';

let n = 0;
const fresh = (): LessonProgressStore => new LessonProgressStore(`lessons-test-${n++}`);

describe('LessonProgressStore', () => {
  it('keeps progress per lesson and the place, and reads them back after reopening', async () => {
    const name = `lessons-test-${n++}`;
    const a = new LessonProgressStore(name);
    await a.put({ ...emptyProgress('what-rl-is'), stepsDone: [0, 1], checksPassed: [1], modelsMade: ['m1'], evaluations: [{ modelId: 'm1', trials: [{ lapTimeS: 12.5, progress: 100 }] }] });
    await a.putPlace({ ...(await a.place()), lessonId: 'what-rl-is', step: 2, collapsed: true, driveBestProgress: 14 });
    a.close();
    const b = new LessonProgressStore(name);
    const all = await b.all();
    expect(all.get('what-rl-is')).toMatchObject({ stepsDone: [0, 1], checksPassed: [1], modelsMade: ['m1'], evaluations: [{ modelId: 'm1', trials: [{ lapTimeS: 12.5, progress: 100 }] }] });
    expect(await b.place()).toMatchObject({ lessonId: 'what-rl-is', step: 2, collapsed: true, driveBestProgress: 14, classLink: null });
    b.close();
  });

  it('starts at the lesson map when nothing is stored', async () => {
    const s = fresh();
    expect(await s.place()).toMatchObject({ lessonId: null, step: 0, collapsed: false });
    expect((await s.all()).size).toBe(0);
    s.close();
  });

  it('repairs damaged records instead of failing', () => {
    expect(restoreProgress({ stepsDone: [0, -1, 'x', 2], evaluations: [{ modelId: 3 }, { modelId: 'a', trials: [{ progress: '40' }] }] }, 'l')).toMatchObject({
      lessonId: 'l', stepsDone: [0, 2], checksPassed: [], evaluations: [{ modelId: 'a', trials: [{ lapTimeS: null, progress: 40 }] }],
    });
    const kept = restoreProgress({ evaluations: [{ modelId: 'b', modelName: 'right side', trials: [{ progress: 100, lapTimeS: 30, leftShare: 0.2 }], trail: [0, 1, 2, 3] }, { modelId: 'c', trials: [], trail: [0, 'x'] }] }, 'l');
    expect(kept.evaluations).toEqual([
      { modelId: 'b', modelName: 'right side', trials: [{ lapTimeS: 30, progress: 100, centreOffset: null, leftShare: 0.2 }], trail: [0, 1, 2, 3] },
      { modelId: 'c', trials: [] },
    ]);
    expect(restorePlace({ step: -3, lessonId: 7, collapsed: 'yes' })).toMatchObject({ lessonId: null, step: 0, collapsed: false });
  });
});
