import { describe, expect, it } from 'vitest';
import { decodeEventLink, encodeEventLink, EventLinkError, isEventLink } from '../../src/share/event-link';
import { defaultEvent } from '../../src/race/rules';

describe('race event links', () => {
  const event = { ...defaultEvent('reinvent_base'), name: 'Ms. Lee’s class, week 3', format: 'object_avoidance' as const, seed: 42 };
  const entries = [{ name: 'Ada', link: 'm1.AAAA' }, { name: 'Bo', link: 'm1.BBBB' }];

  it('round-trip the event and its entries, from the fragment or a whole URL', () => {
    const fragment = encodeEventLink({ event, entries });
    expect(fragment).toMatch(/^#\/race\/r1\.[A-Za-z0-9_-]+$/);
    expect(isEventLink(`https://example.org/raceline/${fragment}`)).toBe(true);
    expect(decodeEventLink(fragment)).toEqual({ event, entries });
    expect(decodeEventLink(`https://example.org/raceline/${fragment}`)).toEqual({ event, entries });
  });

  it('refuse damaged, newer and invalid links with a message saying what to do', () => {
    const fragment = encodeEventLink({ event, entries });
    expect(() => decodeEventLink(fragment.slice(0, -10))).toThrow(/damaged or cut short/);
    expect(() => decodeEventLink(fragment.replace('r1.', 'r9.'))).toThrow(/newer/);
    expect(() => decodeEventLink('#/race/hello')).toThrow(EventLinkError);
    const bad = encodeEventLink({ event: { ...event, rules: { ...event.rules, laps: 0 } }, entries });
    expect(() => decodeEventLink(bad)).toThrow(/laps must be 1\.\.20/);
  });
});
