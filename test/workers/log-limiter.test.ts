import { describe, expect, it } from 'vitest';
import { LogLimiter, MAX_LINE_LENGTH } from '../../src/workers/log-limiter';

describe('LogLimiter', () => {
  it('forwards at most maxLines a second, then reports how many it dropped', () => {
    const out: string[] = [];
    let now = 0;
    const log = new LogLimiter((l) => out.push(l), () => now, 3);
    for (let i = 0; i < 10; i++) log.push(`line ${i}`);
    expect(out).toEqual(['line 0', 'line 1', 'line 2']);
    now = 999;
    log.push('still the same second');
    expect(out).toHaveLength(3);
    now = 1000;
    log.push('next second');
    expect(out.slice(3)).toEqual(['… 8 printed lines not shown (at most 3 a second)', 'next second']);
  });

  it('cuts long lines and says how long they were', () => {
    const out: string[] = [];
    new LogLimiter((l) => out.push(l), () => 0).push('x'.repeat(MAX_LINE_LENGTH + 10));
    expect(out[0]).toBe(`${'x'.repeat(MAX_LINE_LENGTH)}… (${MAX_LINE_LENGTH + 10} characters)`);
  });
});
