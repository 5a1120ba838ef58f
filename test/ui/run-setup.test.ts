import { describe, expect, it } from 'vitest';
import { MIN_RESUME_MINUTES, newRunRecord, resumePlan } from '../../src/ui/run-setup';
import { makeCheckpointRecord } from '../../src/store/garage-records';
import { restoreAs } from '../../src/store/records';
import { defaultActionSpace } from '../../src/sim/action-space';
import { resolvePpoConfig } from '../../src/rl/config';
import { SHIPPED_TRACKS } from '../../src/ui/tracks';
import type { TrainingSetupPlain } from '../../src/ui/save-trained';

const reinvent = SHIPPED_TRACKS.find((t) => t.name === 'reinvent_base')!;

function setup(over: Partial<TrainingSetupPlain> = {}): TrainingSetupPlain {
  return {
    track: reinvent, actionSpace: defaultActionSpace(), rewardCode: 'def reward_function(params):\n    return 1.0\n', rewardLanguage: 'python',
    config: resolvePpoConfig({ seed: 4, learningRate: 1e-3 }), maxMinutes: 10, stopOnLap: true, evalTrials: 3, ...over,
  };
}

describe('run setup', () => {
  it('records a run with the settings needed to resume it, and plans the resume from a checkpoint', () => {
    const run = newRunRecord(setup(), { modelName: 'mine', parent: { id: 'p', name: 'Parent' } });
    expect(restoreAs(run, 'run')).toEqual(run);
    expect(run.config).not.toHaveProperty('trackData'); // a shipped track is named, not copied
    const points = [1, 2, 3].map((iteration) => ({ iteration, elapsedS: 40 * iteration, globalStep: 1000 * iteration, episodes: 20, meanReward: 1, meanProgress: 10, laps: 0, entropy: 2, approxKl: 0.01, sps: 100 }));
    const weights = new Float32Array([0.5, -0.25, 2]);
    const checkpoint = makeCheckpointRecord({ id: 'c', runId: run.id, createdAt: 1, iteration: 3, networkSpec: { kind: 'test' }, points, trainingSeconds: 120, envSteps: 3000, bestProgress: 44, evaluation: null }, weights);
    const plan = resumePlan(run, checkpoint);
    expect(plan.setup.config.learningRate).toBe(1e-3);
    expect(plan.setup.maxMinutes).toBe(8); // 10 minutes less the 2 trained
    expect(Array.from(plan.setup.initialNetwork!.weights)).toEqual([0.5, -0.25, 2]);
    expect(plan.base).toEqual({ points, trainingSeconds: 120, envSteps: 3000, bestProgress: 44, evaluation: null });
    expect(plan.meta).toEqual({ modelName: 'mine', parent: { id: 'p', name: 'Parent' } });
    expect(resumePlan(run, { ...checkpoint, trainingSeconds: 3600 }).setup.maxMinutes).toBe(MIN_RESUME_MINUTES);
  });

  it('keeps a reproducible run reproducible when it is resumed (one sim worker, the WASM learner)', () => {
    const run = newRunRecord(setup({ simWorkers: 1, learnerBackends: ['wasm'] }), { modelName: '', parent: null });
    expect(restoreAs(run, 'run')).toEqual(run);
    const checkpoint = makeCheckpointRecord({ id: 'c', runId: run.id, createdAt: 1, iteration: 1, networkSpec: { kind: 'test' }, points: [], trainingSeconds: 1, envSteps: 10, bestProgress: 0, evaluation: null }, new Float32Array(1));
    const plan = resumePlan(run, checkpoint);
    expect([plan.setup.simWorkers, plan.setup.learnerBackends]).toEqual([1, ['wasm']]);
    expect(resumePlan(newRunRecord(setup(), { modelName: '', parent: null }), checkpoint).setup).not.toHaveProperty('simWorkers');
  });

  it('keeps an imported track in the run and refuses to resume on a track it does not know', () => {
    const custom = { ...reinvent, name: 'my_track' };
    const run = newRunRecord(setup({ track: custom }), { modelName: '', parent: null });
    const checkpoint = makeCheckpointRecord({ id: 'c', runId: run.id, createdAt: 1, iteration: 0, networkSpec: {}, points: [], trainingSeconds: 0, envSteps: 0, bestProgress: 0, evaluation: null }, new Float32Array(1));
    expect(resumePlan(run, checkpoint).track.name).toBe('my_track');
    const lost = { ...run, track: 'gone', config: { ...run.config, trackData: undefined } };
    expect(() => resumePlan(lost, checkpoint)).toThrow("the track 'gone' is not available in this Raceline");
  });
});
