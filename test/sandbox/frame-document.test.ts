import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAME_SCRIPT, sandboxCsp, sandboxDocument } from '../../src/sandbox/frame-document';

describe('the sandbox frame document', () => {
  const hash = createHash('sha256').update(FRAME_SCRIPT, 'utf8').digest('base64');
  const html = sandboxDocument(hash);

  it('allows exactly its own script by hash, and forbids every connection', () => {
    const csp = sandboxCsp(hash);
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('worker-src blob:');
    expect(csp).not.toMatch(/'unsafe-inline'|https?:|\*/);
  });

  it('carries the policy in a meta tag before its one inline script, whose text hashes to the policy hash', () => {
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(meta).toBeGreaterThan(0);
    expect(meta).toBeLessThan(html.indexOf('<script>'));
    expect(createHash('sha256').update(scripts[0][1], 'utf8').digest('base64')).toBe(hash);
  });
});
