/** The studio's notices are data: a saved model's notice says its evaluation follows, then what came of it. */
import { describe, expect, it } from 'vitest';
import { evaluatedNotice, noticeText, type Notice } from '../../src/ui/notice';

describe('notice', () => {
  const saved: Notice = { kind: 'info', text: 'Model "m" saved: training ended because you stopped it.', evaluating: true };

  it('adds "Evaluating it now." while the evaluation is under way', () => {
    expect(noticeText(saved)).toBe('Model "m" saved: training ended because you stopped it. Evaluating it now.');
    expect(noticeText({ kind: 'error', text: 'Nope.' })).toBe('Nope.');
  });

  it('gives the evaluated notice from the structured one, counting the trials that lapped', () => {
    const done = evaluatedNotice(saved, [{ lapTimeS: 12.3 }, { lapTimeS: null }, { lapTimeS: 11.9 }]);
    expect(done).toEqual({ kind: 'info', text: 'Model "m" saved: training ended because you stopped it. Evaluated: 2 of 3 trials completed a lap (see Evaluation).' });
    expect(noticeText(done)).toBe(done.text);
  });
});
