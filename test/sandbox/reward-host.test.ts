/**
 * The sandbox's two ends in Node, joined by a real MessageChannel: RewardHost (what runs in the
 * sandbox worker) and connectRemoteReward (what the sim worker calls), driven by RacingVectorEnv's
 * stepAsync. The browser half (frame, CSP, process) is tested in test/e2e/sandbox.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { loadPyodide } from 'pyodide';
import { RewardHost } from '../../src/sandbox/reward-host';
import { connectRemoteReward } from '../../src/workers/remote-reward';
import { compileJsReward } from '../../src/reward/js-reward';
import { RewardError } from '../../src/reward/reward-function';
import { RacingVectorEnv } from '../../src/sim/racing-env';
import { defaultActionSpace } from '../../src/sim/action-space';
import { shippedTrack } from '../helpers/tracks';

const track = shippedTrack('reinvent_base');
const CENTRE_JS = `function reward_function(params) {
  const d = params.distance_from_center / params.track_width;
  return d <= 0.1 ? 1.0 : d <= 0.25 ? 0.5 : d <= 0.5 ? 0.1 : 1e-3;
}`;
const CENTRE_PY = `def reward_function(params):
    d = params['distance_from_center'] / params['track_width']
    if params['steps'] == 2:
        print('waypoints', len(params['waypoints']))
    if d <= 0.1:
        return 1.0
    elif d <= 0.25:
        return 0.5
    elif d <= 0.5:
        return 0.1
    return 1e-3
`;

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

function hostPort(host: object): MessagePort {
  const channel = new MessageChannel();
  channels.push(channel);
  Comlink.expose(host, channel.port2);
  return channel.port1;
}

/** Steps a remote-reward env and a local-reward env with the same actions; returns both reward streams. */
async function twin(code: string, language: 'javascript' | 'python', steps: number) {
  const printed: string[] = [];
  const host = new RewardHost(language === 'python' ? (hooks) => loadPyodide({ ...hooks, jsglobals: Object.create(null) }) : null);
  const { reward } = await connectRemoteReward(hostPort(host), { code, language }, { seed: 0, onPrint: (l) => printed.push(l) });
  const actionSpace = defaultActionSpace();
  const remote = new RacingVectorEnv({ track, actionSpace, reward, numEnvs: 3 });
  const local = new RacingVectorEnv({ track, actionSpace, reward: compileJsReward(CENTRE_JS), numEnvs: 3 });
  remote.reset({ seed: 1 });
  local.reset({ seed: 1 });
  const a: number[] = [];
  const b: number[] = [];
  for (let t = 0; t < steps; t++) {
    const actions = Int32Array.from([t % 5, (t + 2) % 5, 3]);
    a.push(...(await remote.stepAsync(actions)).rewards);
    b.push(...local.step(actions).rewards);
  }
  return { a, b, printed, remote };
}

describe('the reward sandbox protocol (RewardHost ⇄ connectRemoteReward)', () => {
  it('a JavaScript reward through the port gives the local rewards', async () => {
    const { a, b } = await twin(CENTRE_JS, 'javascript', 40);
    expect(a).toEqual(b);
    expect(a.some((r) => r > 0)).toBe(true);
  });

  it('a Python reward through the port gives the JavaScript rewards, waypoints included, and print reaches the log', async () => {
    const { a, b, printed } = await twin(CENTRE_PY, 'python', 40);
    expect(a).toEqual(b);
    expect(printed).toContain(`waypoints ${track.waypoints.length}`);
  });

  it('step() refuses a remote reward function: it must be stepped with stepAsync', async () => {
    const { remote } = await twin(CENTRE_JS, 'javascript', 1);
    expect(() => remote.step(Int32Array.from([0, 0, 0]))).toThrow(/stepAsync/);
  });

  it('compile and call errors come back as RewardErrors with kind and line', async () => {
    const host = new RewardHost(null);
    await expect(connectRemoteReward(hostPort(host), { code: 'function reward_function(p) {\n  return (;\n}', language: 'javascript' }, { seed: 0 })).rejects.toMatchObject({
      name: 'RewardError',
      kind: 'syntax',
      line: 2,
    });
    const { reward } = await connectRemoteReward(hostPort(new RewardHost(null)), { code: 'function reward_function(p) {\n  return p.steps > 3 ? NaN : 1;\n}', language: 'javascript' }, { seed: 0 });
    const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: 1 });
    env.reset({ seed: 1 });
    const err = await (async () => {
      for (let t = 0; t < 10; t++) await env.stepAsync(Int32Array.from([2]));
    })().catch((e) => e);
    expect(err).toBeInstanceOf(RewardError);
    expect(err.kind).toBe('not-finite');
    expect(err.message).toMatch(/returned NaN at step 4/);
  });

  it('a call that does not answer within the limit fails with a message naming the limit', async () => {
    const silent = { compile: async () => ({ ok: true, compileMs: 1, printed: [] }), evaluate: () => new Promise(() => {}) };
    const { reward } = await connectRemoteReward(hostPort(silent), { code: '', language: 'javascript' }, { seed: 0, callLimitS: 0.2 });
    const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward, numEnvs: 1 });
    env.reset({ seed: 1 });
    await env.stepAsync(Int32Array.from([2])); // the first step of an episode needs no reward
    await expect(env.stepAsync(Int32Array.from([2]))).rejects.toMatchObject({ kind: 'time-limit', message: expect.stringMatching(/did not return within 0.2 s/) });
  });

  it("the editor's check runs in the host", async () => {
    const host = new RewardHost(null);
    const r = await host.check({ code: CENTRE_JS, language: 'javascript' }, track.data);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.rows.find((x) => /centre line/i.test(x.label))?.reward).toBe(1);
    const bad = await host.check({ code: 'function reward_function(p) { return "fast"; }', language: 'javascript' }, track.data);
    expect(bad.ok).toBe(false);
  });
});
