import { describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { ClassLinkError, decodeClassLink, encodeClassLink, isClassLink, type ClassLink } from '../../src/share/class-link';
import { toBase64Url } from '../../src/share/bytes';
import { defaultEvent } from '../../src/race/rules';

const CLASS: ClassLink = {
  name: 'Year 10 — Tuesday',
  lessons: ['you-are-the-agent', 'what-rl-is', 'first-reward-function'],
  track: 'reinvent_base',
  event: { ...defaultEvent('reinvent_base'), name: 'Year 10 race', rules: { ...defaultEvent('reinvent_base').rules, laps: 2, minLaps: 1, offTrackPenaltyS: 5 } },
};

function error(text: string): string {
  try {
    decodeClassLink(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ClassLinkError);
    return (e as Error).message;
  }
  throw new Error('expected a ClassLinkError');
}

describe('class links', () => {
  it('round-trip a class through the fragment, whole URL or not', () => {
    const fragment = encodeClassLink(CLASS);
    expect(fragment).toMatch(/^#\/class\/c1\.[A-Za-z0-9_-]+$/);
    expect(fragment.length).toBeLessThan(600);
    expect(isClassLink(`https://raceline.example/${fragment}`)).toBe(true);
    expect(decodeClassLink(fragment)).toEqual(CLASS);
    expect(decodeClassLink(`https://raceline.example/${fragment}`)).toEqual(CLASS);
  });

  it('say what to do with a damaged, cut or newer link', () => {
    const fragment = encodeClassLink(CLASS);
    expect(error(fragment.slice(0, -12))).toMatch(/damaged or cut short; copy the whole link again/);
    expect(error(fragment.replace(/.{6}$/, 'AAAAAA'))).toMatch(/damaged/);
    expect(error('#/class/hello')).toMatch(/not a Raceline class link/);
    expect(error(fragment.replace('c1.', 'c9.'))).toMatch(/version 9 is newer.*reload/);
  });

  it('refuse a class without a name, lessons or valid race rules', () => {
    const raw = (value: unknown): string => `#/class/c1.${toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(value))))}`;
    expect(error(raw({ ...CLASS, name: ' ' }))).toMatch(/no name/);
    expect(error(raw({ ...CLASS, lessons: [] }))).toMatch(/at least one lesson/);
    expect(error(raw({ ...CLASS, lessons: ['<script>'] }))).toMatch(/is not a lesson id/);
    expect(error(raw({ ...CLASS, event: { ...CLASS.event, rules: { ...CLASS.event.rules, laps: 99 } } }))).toMatch(/laps must be 1\.\.20/);
    expect(() => encodeClassLink({ ...CLASS, name: 'x'.repeat(200) })).toThrow(/keep it to 80/);
  });
});
