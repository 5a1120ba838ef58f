import { describe, expect, it } from 'vitest';
import { checkRewardSource } from '../../src/reward/check-source';
import { REWARD_TEMPLATES } from '../../src/reward/examples';
import { shippedTrack } from '../helpers/tracks';

const track = shippedTrack('reinvent_base');

describe('checkRewardSource', () => {
  it('gives the same rows for the Python and the JavaScript version of each example', async () => {
    for (const js of REWARD_TEMPLATES.filter((t) => t.language === 'javascript')) {
      const expected = await checkRewardSource({ code: js.code, language: 'javascript' }, track);
      expect(expected.ok).toBe(true);
      const py = REWARD_TEMPLATES.find((t) => t.id === `${js.id}-py`)!;
      expect(await checkRewardSource({ code: py.code, language: 'python' }, track)).toEqual(expected);
    }
  });

  it('reports a Python syntax error with its line, and an invalid value with the state it was returned for', async () => {
    const syntax = await checkRewardSource({ code: 'def reward_function(params):\n    x = 1\n    if x > 0\n        return 1.0\n', language: 'python' }, track);
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.error.line).toBe(3);

    const printed: string[] = [];
    const offTrack = await checkRewardSource(
      { code: "def reward_function(params):\n    print('seen', params['is_offtrack'])\n    return float('nan') if params['is_offtrack'] else 1.0\n", language: 'python' },
      track,
      { onPrint: (l) => printed.push(l) },
    );
    expect(offTrack).toEqual({ ok: false, error: { message: expect.stringMatching(/NaN.*\(state: all wheels off the track\)$/), line: null } });
    expect(printed.at(-1)).toBe('seen True');
  });
});
